"""Concurrency on PostgreSQL (issue 13): the server and two `storyline add` processes write
to one database at once, over overlapping sets of articles. Nothing is lost, nothing is
stored twice, no writer fails (deadlock, serialization, unique-constraint race), and the
stories come out whole: every event in one story of its own, every near-copy pointing at
its original, every unplaced article placed, every outlet's repeated lines learned.

The corpus is written here: ten invented events, each told by five outlets (as text
files and as HTML pages), with a syndicated near-copy of one of the pages and one more
article that only the API receives. Two rounds run one after the other, each with five
new events, so the second round also writes into a database that already has stories.
"""
from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from storyline.storage import open_store
from storyline.storage.throwaway import ThrowawayPostgres, find_server_binaries
from tests.pages import article_html

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "concurrency-token"
PROCESS_TIMEOUT = 60  # seconds for one add process; a deadlock that PostgreSQL misses would hang
WRITER_TROUBLE = ("deadlock", "serializ", "integrityerror", "unique constraint", "duplicate key",
                  "traceback", "lock timeout")

pytestmark = pytest.mark.skipif(
    find_server_binaries() is None,
    reason="no PostgreSQL server binaries (initdb, pg_ctl); ./run test installs Debian's postgresql")


# -- the corpus ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Event:
    key: str
    headlines: tuple[str, ...]  # the five outlets', the API's article's, the near-copy's
    facts: tuple[str, ...]  # eight sentences; each outlet tells three of them
    copy_note: str  # the sentence the syndicated copy adds


FIRST_ROUND = (
    Event("kessler", (
        'Jammed spillway gate sends surge down the Orland River',
        'Water board blames failed motor for Kessler gate fault',
        'Orland township told to boil water after dam fault',
        'Kessler dam wall safe, engineer Tomas Vey says',
        'New Kessler gate motor due from Dunhaven by Thursday',
        'Questions and answers on the Kessler Reservoir fault',
        'Kessler Reservoir gate jams half open',
    ), (
        "A spillway gate at the Kessler Reservoir dam jammed half open on Monday night, sending a surge down the Orland River.",
        "Engineers from the Orland Valley Water Board said the Kessler gate motor failed during a routine test of the spillway.",
        "About 1,200 homes in Orland township were told to boil their tap water while the Kessler intake was checked for silt.",
        "Water board engineer Tomas Vey said the jammed gate posed no risk to the dam wall itself.",
        "Farmers along the lower Orland River moved cattle to higher fields as the river rose by nearly two metres.",
        "Tomas Vey expects a replacement gate motor to reach the Kessler Reservoir from a supplier in Dunhaven by Thursday.",
        "The Orland Valley Water Board last replaced the Kessler spillway machinery in 1998.",
        "Orland township officials opened the school gym on Mill Lane for residents who needed bottled water.",
    ), "The Orland Valley Water Board will publish a full inspection report on the Kessler dam next month."),
    Event("brightwater", (
        'Snow brings down Brightwater Elementary gym roof',
        'Empty gym spared Brightwater pupils, principal says',
        'Brightwater pupils move to Hollin Community Hall',
        'Teachers haul books to Hollin hall after roof collapse',
        'Rusted trusses behind Brightwater roof failure',
        'How the Hollin district is coping without Brightwater',
        'Brightwater Elementary gymnasium roof collapses',
    ), (
        "Part of the roof over the gymnasium at Brightwater Elementary collapsed under heavy snow early on Saturday.",
        "No pupils or staff were inside Brightwater Elementary when the gymnasium roof gave way, principal Agnes Mwangi said.",
        "The 430 pupils of Brightwater Elementary will take lessons at the Hollin Community Hall until the building is declared safe.",
        "Agnes Mwangi said teachers spent Sunday carrying books and laptops from Brightwater classrooms to the Hollin hall.",
        "Snow in the Hollin district reached 70 centimetres over the weekend, the deepest fall since 2011.",
        "Structural engineers found that the Brightwater gymnasium roof trusses had rusted where meltwater pooled.",
        "The Hollin school district had scheduled a Brightwater Elementary roof repair for next summer.",
        "Parents at Brightwater Elementary organised a car pool to the Hollin Community Hall on Monday morning.",
    ), "The Hollin school district has ordered snow-load checks at its eleven other schools."),
    Event("copperline", (
        'Copperline tram drivers walk out in Vastmoor',
        'Pay talks collapse before Copperline strike',
        'Guild says Copperline drivers waited fourteen months',
        'Delany promises Friday talks at Copperline depot rally',
        'Copperline drivers reject three percent offer',
        'Getting around Vastmoor during the Copperline strike',
        'Copperline strike halts Vastmoor trams',
    ), (
        "Drivers on the Copperline tram network in Vastmoor walked out at dawn on Wednesday for forty-eight hours.",
        "The Transit Workers Guild called the Copperline strike after talks over night-shift pay broke down.",
        "Guild leader Osric Delany said Copperline drivers had worked without a new contract for fourteen months.",
        "Vastmoor city hall added extra buses on the Copperline routes between the harbour and the university.",
        "Osric Delany told a rally outside the Copperline depot that the Transit Workers Guild would meet management again on Friday.",
        "The Copperline network carries about 90,000 Vastmoor passengers on an ordinary weekday.",
        "Copperline management offered the Transit Workers Guild a raise of three percent, which the drivers rejected.",
        "Shops along Vastmoor's Canal Street reported fewer customers as the Copperline trams stood idle.",
    ), "The Transit Workers Guild says a second Copperline walkout could follow before the holidays."),
    Event("pemberly", (
        'Fire blight blackens 900 acres of Pemberly orchards',
        'Blight first seen in Ashgrove orchard, cooperative says',
        'Warm rain spread the Pemberly blight, agronomist says',
        'Pemberly harvest could fall by a third, Farrant warns',
        'Cider makers brace for dearer Pemberly apples',
        'What Pemberly growers can do about fire blight',
        'Blight spreads through Pemberly apple orchards',
    ), (
        "Fire blight has spread through apple orchards around Pemberly, blackening blossoms on about 900 acres.",
        "The Pemberly Growers Cooperative said the blight was first spotted in the Ashgrove orchard in late spring.",
        "Agronomist Lucia Farrant said warm rain had carried the fire blight bacteria from tree to tree around Pemberly.",
        "Pemberly growers are cutting out infected branches and burning them at the edge of the orchards.",
        "Lucia Farrant warned that the Pemberly apple harvest could fall by a third if the blight reaches the older trees.",
        "The Pemberly Growers Cooperative asked the county for an emergency grant to replace the worst damaged trees.",
        "The Ashgrove orchard, the oldest in Pemberly, has grown Russet apples since 1921.",
        "Cider makers who buy from the Pemberly Growers Cooperative expect higher prices next autumn.",
    ), "The Pemberly Growers Cooperative has set up a telephone line for growers who find new fire blight."),
    Event("marlow", (
        'Marlow Hill volunteers find Comet Ostrander-Lai',
        'Second night confirms Marlow Hill comet find',
        'Comet Ostrander-Lai could be a binocular sight by spring',
        'Six years of searching pay off at Marlow Hill',
        'Marlow Hill dome to open for comet viewing',
        'Where and when to look for Comet Ostrander-Lai',
        'New comet named after Marlow Hill astronomers',
    ), (
        "Astronomers at the Marlow Hill Observatory have found a new comet, now named Comet Ostrander-Lai.",
        "Priya Ostrander spotted the faint comet on images taken by the Marlow Hill telescope on a clear night in October.",
        "Her colleague Wen Lai confirmed the find two nights later, and the comet was named after both of them.",
        "Comet Ostrander-Lai is travelling towards the inner solar system and should pass the Sun in about fourteen months.",
        "Wen Lai said Comet Ostrander-Lai might become bright enough to see with binoculars from Marlow next spring.",
        "The Marlow Hill Observatory was built by the town of Marlow in 1964 and is run by volunteers.",
        "Priya Ostrander said the Marlow Hill volunteers had searched for comets every clear night for six years.",
        "The Marlow Hill Observatory will open its dome to the public when Comet Ostrander-Lai is at its brightest.",
    ), "Marlow town council has promised the observatory a new camera for the Ostrander-Lai observations."),
)

SECOND_ROUND = (
    Event("greywick", (
        'Fire guts Greywick Public Library map room',
        'Greywick librarian mourns lost county maps',
        "Firefighters save Greywick reading room and children's wing",
        'Faulty heater suspected in Greywick library blaze',
        'Tarrow historians offer to rebuild Greywick map collection',
        'How Greywick residents can help the library',
        'Greywick library fire destroys historic maps',
    ), (
        "Fire swept through the map room of the Greywick Public Library on Tuesday night.",
        "Head librarian Henrietta Obi said the Greywick fire destroyed most of the library's collection of old county maps.",
        "Greywick firefighters kept the flames from reaching the reading room and the children's wing.",
        "Henrietta Obi said about 2,300 maps were lost, some of them surveyed by hand before 1850.",
        "Investigators believe a faulty heater in the Greywick map room started the fire.",
        "The Greywick Public Library will stay closed until the smoke damage in the stacks is cleaned.",
        "Historians from Tarrow University offered to help the Greywick library rebuild its map collection from copies.",
        "Greywick residents have started collecting family maps and deeds to give to Henrietta Obi's staff.",
    ), "The Greywick Public Library is asking anyone with copies of old county maps to contact the staff."),
    Event("dunmore", (
        'Aldana breaks Dunmore Marathon course record',
        'Seafront tailwind helped Aldana to Dunmore record',
        '6,500 runners start Dunmore Marathon at Castle Green',
        'Dunmore course to stay as it is, race director says',
        "Ostrava Creek hills shaped Aldana's Dunmore win",
        'Dunmore Marathon by the numbers',
        'Kofi Aldana sets Dunmore record',
    ), (
        "Kofi Aldana won the Dunmore Marathon on Sunday in two hours, nine minutes and fourteen seconds.",
        "The winning time broke the Dunmore course record that had stood since 2007 by more than a minute.",
        "Kofi Aldana said a cool morning and a tailwind along the Dunmore seafront helped him in the last ten kilometres.",
        "Around 6,500 runners started the Dunmore Marathon at the Castle Green at eight o'clock.",
        "Race director Imelda Roux said the Dunmore course will stay unchanged for next year's marathon.",
        "Kofi Aldana trained for the Dunmore race in the hills near his home town of Ostrava Creek.",
        "Imelda Roux said the Dunmore Marathon raised more for local charities than any previous edition.",
        "Spectators lined the Dunmore seafront road five deep as Kofi Aldana crossed the finish line.",
    ), "Dunmore Marathon organisers say entries for next year open in January."),
    Event("tallis", (
        'Solvent spill kills thousands of Tallis Creek fish',
        'Inspector traces Tallis Creek spill to Ravenmoor tank',
        'Ravenmoor Plastics halted after Tallis Creek leak',
        'Tallis Creek solvent forty times over safe limit',
        'Tallis Creek anglers count dead trout',
        'What the Tallis Creek spill means for downstream towns',
        'Ravenmoor Plastics spill poisons Tallis Creek',
    ), (
        "A chemical spill from the Ravenmoor Plastics plant has killed thousands of fish in Tallis Creek.",
        "State inspector Gideon Marsh said a storage tank at Ravenmoor Plastics leaked solvent into Tallis Creek on Thursday.",
        "Anglers found dead trout along three kilometres of Tallis Creek below the Ravenmoor plant.",
        "Gideon Marsh ordered Ravenmoor Plastics to stop production until the leaking tank is emptied and repaired.",
        "Ravenmoor Plastics said it regrets the Tallis Creek spill and will pay for the clean-up.",
        "Tests by Gideon Marsh's team found solvent levels in Tallis Creek forty times above the safe limit.",
        "The Tallis Creek Angling Club has stocked the creek with trout every spring since 1986.",
        "Downstream towns were told not to draw water from Tallis Creek until further notice.",
    ), "Ravenmoor Plastics faces a fine if inspectors find the Tallis Creek tank was not maintained."),
    Event("hartwell", (
        'Hartwell Ridge wind farm wins approval',
        '34 Hartwell Ridge turbines to power 40,000 homes',
        'Brockley valley objectors vow to fight Hartwell turbines',
        'Greenmantle must keep Hartwell Ridge trails open',
        'Hartwell commission splits five to two on wind farm',
        'Hartwell Ridge wind farm explained',
        'Planners back turbines on Hartwell Ridge',
    ), (
        "The Hartwell county planning commission has approved a wind farm of 34 turbines on Hartwell Ridge.",
        "Commission chair Nadia Kowalczyk said the Hartwell Ridge turbines would power about 40,000 homes.",
        "Opponents of the Hartwell Ridge wind farm said the turbines would spoil the view from the Brockley valley.",
        "Nadia Kowalczyk said the developer, Greenmantle Power, must keep the Hartwell Ridge walking trails open.",
        "Greenmantle Power plans to start building the Hartwell Ridge access roads next spring.",
        "The Hartwell planning commission voted five to two after a hearing that lasted more than six hours.",
        "Greenmantle Power will pay the Hartwell county a yearly fee for each turbine on the ridge.",
        "Residents of the Brockley valley may appeal the Hartwell Ridge decision within thirty days.",
    ), "Greenmantle Power says the first Hartwell Ridge turbines could turn within three years."),
    Event("ember", (
        'Wolves return to Ember Valley after eighty years',
        'Trail cameras catch five wolves in Ember Valley',
        'Collar fitted to Ember Valley wolf EV-7',
        'Ember Valley sheep farmers ask for stronger pens',
        'Ember Valley pack hunting deer and boar, ranger says',
        'Walking in Ember Valley now that the wolves are back',
        'Wolf pack settles in Ember Valley',
    ), (
        "A wolf pack has returned to Ember Valley for the first time in more than eighty years.",
        "Park ranger Silas Brannock said trail cameras in Ember Valley recorded five wolves in October.",
        "Silas Brannock's team fitted a radio collar to an Ember Valley female wolf known as EV-7.",
        "Sheep farmers at the mouth of Ember Valley asked for help building stronger night pens.",
        "The Ember Valley wolves most likely crossed from the Sarn mountains over the frozen Keld river.",
        "Silas Brannock said the Ember Valley pack has so far hunted only deer and wild boar.",
        "Ember Valley park staff will hold an evening meeting for farmers in the Keld village hall.",
        "Visitors to Ember Valley are asked to keep dogs on a lead on every trail in the park.",
    ), "Ember Valley park staff will publish the collared wolf's movements once a month."),
)

# Three facts for each of the five outlets and for the API's article: any two share at
# most one sentence, so no two of them are near-copies of each other.
FACT_PICKS = ((0, 1, 2), (0, 3, 4), (1, 3, 5), (2, 4, 6), (5, 6, 7))
API_PICK = (1, 4, 7)
API_HEADLINE, COPY_HEADLINE = 5, 6
OUTLETS = ("Riverside Herald", "Bellmoor Post", "Quarry Hill Gazette", "Tidewater Bulletin", "Saltmarsh Record")
# Outlets end their own reports with this sentence (learned as each outlet's chrome on its
# third page) and one outlet puts a promo line between paragraphs (learned on its second).
# The page a wire copy is taken from has neither, so the copy differs by one sentence only.
SIGN_OFF = "Send your questions about this report to our newsroom."
PROMO_OUTLET, PROMO = "Bellmoor Post", "Get our evening digest"


@dataclass(frozen=True)
class Piece:
    """One article of the corpus, as a file the add processes read (path) and/or as the
    body of POST /api/articles (api)."""
    title: str
    event: str
    path: Path | None
    api: dict | None = None
    copy_of: str | None = None  # the title of the article this one is a near-copy of


def write_round(events: tuple[Event, ...], folder: Path, now: datetime) -> list[Piece]:
    """Seven articles an event: five outlets' reports, a near-copy of the first, and one
    for the API alone."""
    pieces = []
    for e_index, event in enumerate(events):
        told = [_outlet_article(event, e_index, position, folder, now) for position in range(len(FACT_PICKS))]
        pieces += told
        pieces.append(_near_copy(event, e_index, told[0], folder))
        outlet = OUTLETS[(e_index + 2) % len(OUTLETS)]
        title = event.headlines[API_HEADLINE]
        pieces.append(Piece(title, event.key, None, api={
            "title": title, "outlet": outlet, "text": "\n\n".join(event.facts[i] for i in API_PICK)}))
    return pieces


def _outlet_article(event: Event, e_index: int, position: int, folder: Path, now: datetime) -> Piece:
    """Even positions are HTML pages with a publication date a few hours ago (earlier than
    any copy, which is dated when it is stored), odd ones text files. In the first two
    events the text file at 1 and the page at 2 are also posted to the API."""
    outlet = OUTLETS[(e_index + position) % len(OUTLETS)]  # every outlet covers every event
    title = event.headlines[position]
    paragraphs = [event.facts[i] for i in FACT_PICKS[position]]
    if position > 0:
        if outlet == PROMO_OUTLET:
            paragraphs.insert(2, PROMO)
        paragraphs.append(SIGN_OFF)
    (folder / outlet).mkdir(parents=True, exist_ok=True)
    slug = f"{event.key}-{position}"
    posted = e_index < 2 and position in (1, 2)
    if position % 2 == 0:
        published = (now - timedelta(hours=12 - position)).strftime("%Y-%m-%dT%H:%M:%SZ")
        url = f"https://{outlet.lower().replace(' ', '')}.example/news/{slug}"
        html = article_html(title, paragraphs, outlet=outlet, url=url, published=published,
                            author="Staff Reporter", chrome=False)
        path = folder / outlet / f"{slug}.html"
        path.write_text(html, encoding="utf-8")
        api = {"html": html, "url": url} if posted else None
    else:
        body = "\n\n".join(paragraphs)
        path = folder / outlet / f"{slug}.txt"
        path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
        api = {"title": title, "text": body, "outlet": outlet} if posted else None
    return Piece(title, event.key, path, api=api)


def _near_copy(event: Event, e_index: int, original: Piece, folder: Path) -> Piece:
    """Another outlet runs the original's facts under its own headline, one sentence added."""
    copier = OUTLETS[(e_index + len(FACT_PICKS) - 1) % len(OUTLETS)]
    title = event.headlines[COPY_HEADLINE]
    body = [event.facts[i] for i in FACT_PICKS[0]] + [event.copy_note]
    path = folder / copier / f"{event.key}-copy.txt"
    path.write_text(title + "\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")
    return Piece(title, event.key, path, copy_of=original.title)


# -- what must hold after every round ---------------------------------------------------------------

def stored_articles(store) -> list[dict]:
    return store.rows(
        "SELECT a.id, a.title, a.text, a.story_id, a.duplicate_of, a.not_article, "
        "COALESCE(a.published, a.fetched) AS seen, o.name AS outlet "
        "FROM articles a JOIN outlets o ON o.id = a.outlet_id ORDER BY a.id")


def assert_each_stored_once_and_placed(store, pieces: list[Piece]) -> None:
    rows = stored_articles(store)
    titles = Counter(row["title"] for row in rows)
    assert {title: n for title, n in titles.items() if n > 1} == {}, "stored twice"
    assert set(titles) == {piece.title for piece in pieces}, "lost or unexpected articles"
    assert len({row["text"] for row in rows}) == len(rows)
    assert store.scalar("SELECT COUNT(*) FROM articles WHERE placed = 0") == 0
    assert store.failures() == []


def assert_stories_whole(store, pieces: list[Piece]) -> None:
    """Every event in one story of its own; near-copies point at their originals; each
    story's size, clustering count and time span agree with its members."""
    rows = {row["title"]: row for row in stored_articles(store)}
    assert [title for title, row in rows.items() if row["not_article"] or row["story_id"] is None] == []
    stories_of_event: dict[str, set[int]] = {}
    for piece in pieces:
        stories_of_event.setdefault(piece.event, set()).add(rows[piece.title]["story_id"])
    assert {event: len(ids) for event, ids in stories_of_event.items() if len(ids) > 1} == {}, stories_of_event
    assert len({min(ids) for ids in stories_of_event.values()}) == len(stories_of_event), stories_of_event

    copies = {piece.title: piece.copy_of for piece in pieces if piece.copy_of}
    assert {title for title, row in rows.items() if row["duplicate_of"] is not None} == set(copies)
    for copy, original in copies.items():
        assert rows[copy]["duplicate_of"] == rows[original]["id"], (copy, original)
        assert rows[original]["duplicate_of"] is None

    originals = Counter(row["story_id"] for row in rows.values() if row["duplicate_of"] is None)
    stories = store.rows("SELECT id, size, title, first_seen, last_seen FROM stories")
    assert {story["id"]: story["size"] for story in stories} == dict(originals)
    assert store.scalar("SELECT value FROM counters WHERE name = 'clustered'") == sum(originals.values())
    for story in stories:
        seen = [row["seen"] for row in rows.values() if row["story_id"] == story["id"]]
        assert (story["first_seen"], story["last_seen"]) == (min(seen), max(seen)), story["id"]
        assert story["title"] in rows


def assert_outlet_lines_learned(store) -> None:
    """The sign-off and the promo line are gone from every article, however the pages
    that taught them were interleaved."""
    for row in stored_articles(store):
        assert PROMO not in row["text"] and SIGN_OFF not in row["text"], row["title"]


# -- the writers ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def postgres():
    with ThrowawayPostgres() as pg:
        yield pg


@pytest.fixture
def database(postgres):
    url = postgres.create_database("concurrency")
    open_store(url).close()  # creates the schema, so the writers start together on a ready one
    yield url
    postgres.drop_database("concurrency")


def _environment() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("STORYLINE_TOKEN", None)
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Serving:
    base: str
    log: Path  # the server's stderr


@pytest.fixture
def serving(database, tmp_path):
    """`storyline --db URL serve` in a subprocess, answering on 127.0.0.1."""
    port, log = _free_port(), tmp_path / "serve.log"
    with log.open("w") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "storyline", "--db", database, "serve", "--port", str(port), "--token", TOKEN],
            env=_environment(), stdout=subprocess.DEVNULL, stderr=stderr)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/robots.txt", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        yield Serving(base, log)
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def writer_trouble(text: str) -> list[str]:
    return [line for line in text.splitlines() if any(word in line.lower() for word in WRITER_TROUBLE)]


@dataclass
class AddRun:
    proc: subprocess.Popen
    sources: list[str]
    out: Path
    err: Path


@pytest.fixture
def adding(database, tmp_path):
    """Starts `storyline --db URL add --json SOURCE...` processes; none outlives the test."""
    runs: list[AddRun] = []

    def start(sources: list[str], name: str) -> AddRun:
        out, err = tmp_path / f"{name}.json", tmp_path / f"{name}.err"
        with out.open("w") as stdout, err.open("w") as stderr:
            proc = subprocess.Popen(
                [sys.executable, "-m", "storyline", "--db", database, "add", "--json", *sources],
                env=_environment(), stdout=stdout, stderr=stderr)
        runs.append(AddRun(proc, sources, out, err))
        return runs[-1]

    yield start
    for run in runs:
        _stop(run.proc)


def finish_add(run: AddRun) -> dict:
    """The process's JSON report, once it has exited 0 with nothing failed."""
    try:
        code = run.proc.wait(timeout=PROCESS_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`storyline add` still running after {PROCESS_TIMEOUT} s (a lock never released?)")
    errors = run.err.read_text()
    assert code == 0, errors
    assert writer_trouble(errors) == [], errors
    report = json.loads(run.out.read_text())
    assert report["failed"] == [], report["failed"]
    assert report["added"] + report["duplicates"] == len(run.sources), report
    return report


def wait_for_writes(database: str, stored_before: int, runs: list[AddRun]) -> None:
    """Until the add processes have stored something (they take a second or two to start)."""
    deadline = time.monotonic() + PROCESS_TIMEOUT
    with open_store(database) as store:
        # A process that ended already is for finish_add to judge.
        while store.count_articles() == stored_before and all(run.proc.poll() is None for run in runs):
            assert time.monotonic() < deadline, "the add processes stored nothing"
            time.sleep(0.05)


def post_articles(base: str, pieces: list[Piece]) -> int:
    """POST each piece's API body, a moment apart so the posts fall among the processes'
    writes; how many the server added."""
    added = 0
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60) as client:
        for piece in pieces:
            time.sleep(0.3)
            response = client.post("/api/articles", json=piece.api)
            if piece.path is None:  # nobody else has it
                assert response.status_code == 201, response.text
            else:
                assert response.status_code in (200, 201), response.text
            body = response.json()
            assert body["failed"] == [], body
            assert body["added"] + body["duplicates"] == 1, body
            added += body["added"]
    return added


def walk(base: str, path: str, key: str) -> list[dict]:
    items, url = [], f"{base}{path}?limit=50"
    while url:
        body = httpx.get(url, timeout=30).json()
        items += body[key]
        url = f"{base}{path}?limit=50&cursor={body['next']}" if body["next"] else None
    return items


def test_server_and_two_add_processes_lose_and_duplicate_nothing(postgres, database, serving, adding, tmp_path):
    now = datetime.now(timezone.utc)
    everything: list[Piece] = []
    events = 0
    for number, round_events in enumerate((FIRST_ROUND, SECOND_ROUND)):
        pieces = write_round(round_events, tmp_path / f"corpus{number}", now)
        everything += pieces
        events += len(round_events)

        files = [str(piece.path) for piece in pieces if piece.path]
        random.Random(number).shuffle(files)
        third = len(files) // 3
        # Both processes start on the same third, in the same order, to race for each article.
        shared, only_first, only_second = files[:third], files[third:2 * third], files[2 * third:]
        runs = [adding(shared + only_first, f"first{number}"), adding(shared + only_second, f"second{number}")]
        posted = [piece for piece in pieces if piece.api]
        random.Random(number).shuffle(posted)
        wait_for_writes(database, len(everything) - len(pieces), runs)
        api_added = post_articles(serving.base, posted)
        reports = [finish_add(run) for run in runs]

        # Each article was added by exactly one of the three writers.
        assert sum(report["added"] for report in reports) + api_added == len(pieces), (reports, api_added)
        with open_store(database) as store:
            assert_each_stored_once_and_placed(store, everything)
            assert_stories_whole(store, everything)
            assert_outlet_lines_learned(store)
        listed = walk(serving.base, "/api/articles", "articles")
        assert sorted(article["title"] for article in listed) == sorted(piece.title for piece in everything)
        assert len(walk(serving.base, "/api/stories", "stories")) == events

    assert writer_trouble(serving.log.read_text()) == []
    # PostgreSQL logs a deadlock it broke even when the writer it failed retried.
    assert "deadlock detected" not in (postgres.directory / "server.log").read_text(errors="replace")
