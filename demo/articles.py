"""Article data for the Storyline demo corpus.

Everything here is invented: the outlets, the towns of Calder County, the
people, the companies and the events. Straight quotes are used throughout;
some outlet templates turn them into typographic quotes when rendering.

Each article is a dict with:
  outlet     outlet slug (see OUTLETS in build_corpus.py)
  slug       file name without ".html"
  story      story key (one real-world event); see STORIES
  title      headline
  author     reporter name
  credit     optional agency credit shown next to the byline
  published  ISO 8601 UTC timestamp
  section    site section
  paragraphs body paragraphs, in order
  pullquote  optional (after_paragraph_index, text): a pull quote placed
             after that paragraph; its text repeats a body paragraph
"""
from __future__ import annotations

STORIES = {
    "ashcombe-warehouse-fire-2026": "Fire at the Kestrel Freight warehouse, Tanner Road, Ashcombe, early Tuesday 17 November 2026",
    "millbrook-warehouse-fire-2025": "Fire at the Dorrance Home Goods distribution center, Quarry Lane, Millbrook, Wednesday night 12 November 2025",
    "port-halden-fare-free-buses": "Port Halden City Council approves a one-year fare-free pilot on four bus routes (vote on Monday 16 November 2026)",
    "linden-falls-flood-2026": "Tessel River floods Linden Falls on Thursday 19 November 2026; evacuations, downstream worries, cleanup",
    "corvane-pipeline-fine": "State Pipeline Safety Commission fines Corvane Energy $2.1 million for late leak reports (Wednesday 18 November 2026)",
    "calder-valley-nurses-strike-vote": "Nurses at Calder Valley Medical Center (Northfield) authorize a strike; mediator called in",
    "alder-street-bridge-closure": "Carrow Bay closes the Alder Street Bridge after cracks are found (Tuesday 10 November 2026)",
    "mariners-tri-county-cup": "Port Halden Mariners beat Eastmere Rovers 3-1 in the Tri-County Cup final (Saturday 14 November 2026)",
    "brennan-ridge-hiker-rescue": "Missing hiker Walter Pennick found alive in Brennan Ridge State Forest (Saturday 21 November 2026)",
    "meridale-billing-breach": "Data breach at Meridale Billing Systems exposes Calder County Water Authority customers (disclosed Thursday 12 November 2026)",
    "eastmere-lantern-festival": "Eastmere Winter Lantern Festival cancelled for 2026; residents start a fund (Monday 16 November 2026)",
    "marrow-bakery-centennial": "Marrow & Sons Bakery on Wharf Street, Port Halden, turns 100",
    "adeyemi-senate-bid": "County Commissioner Raymond Adeyemi announces a run for the state Senate (Thursday 19 November 2026)",
    "gannet-point-ferry-grounding": "Calder Sound Ferries' Island Wren runs aground off Gannet Point near Carrow Bay (Sunday 15 November 2026)",
    "garrick-tool-works-closure": "Garrick Tool Works will close its Ferrier Road plant in Northfield (announced Wednesday 11 November 2026)",
    "sutter-creek-derailment": "Calder & Northern Railroad freight train derails at Sutter Creek outside Millbrook (Friday 20 November 2026)",
}

# The Allied Press Service wire story, as filed. The Coastline Times runs it
# unchanged; The Civic Observer runs a near-copy (see WIRE_COPY below).
_WIRE_CORVANE = [
    "PORT HALDEN (APS) — State regulators on Wednesday fined Corvane Energy $2.1 million for failing to report three natural gas leaks in Calder County within the 24 hours required by law.",
    "The State Pipeline Safety Commission found that Corvane took between three and eleven days to notify regulators of the leaks, which occurred between August 2025 and April 2026 along distribution lines in Port Halden and Ashcombe. None of the leaks caused injuries or fires.",
    "\"The reporting rule exists so that we can check that a leak has been made safe, not so that we can read about it a week later,\" Commission Chair Margaret Iwu said at the commission's monthly meeting.",
    "Corvane Energy spokesperson Daniel Reyes-Park said the company had already changed its internal procedures. \"We take our obligations seriously, and we have put in place a new system so that every leak is reported to the commission the same day it is found,\" he said.",
    "The company has 30 days to pay the fine or request a hearing. Under the order, Corvane must also hire an outside auditor to review its leak reporting for the next two years.",
    "Consumer advocates welcomed the penalty but said it was small for a company of Corvane's size. \"For a utility with nearly a billion dollars in yearly revenue, this is a parking ticket,\" said Elise Naranjo of the Calder Ratepayers Coalition.",
    "The fine is the largest the commission has issued for reporting violations since it was created in 2009.",
]

# The sentence The Civic Observer adds (as its own paragraph, after the
# second wire paragraph). It also drops the wire's last paragraph.
WIRE_ADDED_SENTENCE = "Corvane serves about 58,000 natural gas customers in Calder County, including most homes in Port Halden."
WIRE_COPY = _WIRE_CORVANE[:2] + [WIRE_ADDED_SENTENCE] + _WIRE_CORVANE[2:-1]

# The body sentence that The Civic Observer's flood story repeats as a pull quote.
REPEATED_SENTENCE = "\"Nobody in Linden Falls is going to be left to shovel out alone,\" Mayor Peter Haskins said on Friday."


ARTICLES = [
    # ------------------------------------------------------------------
    # Story: ashcombe-warehouse-fire-2026 (4 outlets)
    # ------------------------------------------------------------------
    dict(
        outlet="harbor-ledger",
        slug="ashcombe-warehouse-fire-injures-12",
        story="ashcombe-warehouse-fire-2026",
        title="Ashcombe warehouse fire injures 12, forces neighbors to shelter in place",
        author="Clara Dunmore",
        published="2026-11-17T14:20:00Z",
        section="Local",
        paragraphs=[
            "A fire tore through a Kestrel Freight distribution warehouse in the Ashcombe Industrial Park early Tuesday, injuring 12 people and sending a column of black smoke over the east side of town for most of the morning.",
            "The blaze was reported at about 2:40 a.m. at the warehouse on Tanner Road, according to the Ashcombe Fire Department. Eight of the injured were night-shift workers and four were firefighters, officials said. Most were treated for smoke inhalation, and none of the injuries was described as life-threatening.",
            "\"When our first crews arrived, the whole north end of the building was already involved,\" Fire Chief Dana Whitlock said at a briefing outside the park's main gate. \"Getting everyone out quickly was the priority, and the workers did exactly what they were trained to do.\"",
            "About 60 firefighters from five departments, including crews from Port Halden and Millbrook, fought the fire for more than six hours before it was declared under control shortly after 9 a.m.",
            "Residents within half a mile of the park were told to keep windows closed and stay indoors until the shelter-in-place order was lifted at 9:15 a.m. Ashcombe Elementary School opened two hours late.",
            "Kestrel Freight, which employs about 140 people at the site, said it was cooperating with investigators. \"Our first thoughts are with our colleagues who were hurt and with their families,\" company spokesperson Priya Menon said in a statement.",
            "The cause of the fire has not been determined. Whitlock said investigators would not be able to enter the most heavily damaged section of the building until engineers confirm the roof is safe.",
        ],
    ),
    dict(
        outlet="valley-wire",
        slug="kestrel-freight-warehouse-blaze-ashcombe",
        story="ashcombe-warehouse-fire-2026",
        title="14 hurt as blaze guts Kestrel Freight warehouse in Ashcombe",
        author="Ben Achterberg",
        published="2026-11-17T18:05:00Z",
        section="News",
        paragraphs=[
            "Fourteen people were hurt Tuesday when a fire gutted a large Kestrel Freight warehouse in Ashcombe, and two of them remained in critical condition Tuesday evening at Calder Valley Medical Center, officials said.",
            "The fire broke out shortly before 3 a.m. on Tuesday, November 17, inside the company's distribution building on Tanner Road. Roughly 70 firefighters from six departments responded, Ashcombe Fire Chief Dana Whitlow told reporters.",
            "\"This was a fast-moving fire in a building full of cardboard, plastic wrap and pallets,\" Whitlow said. \"That is about as difficult a fire load as you can get.\"",
            "Night-shift employee Luis Carranza, 29, said he smelled smoke near the loading docks minutes before the alarms sounded. \"Someone yelled to get out, and we ran for the side door,\" he said. \"By the time we were in the parking lot you could see flames through the skylights.\"",
            "The two critically injured people were workers who had been near the loading docks, according to a hospital spokesperson. The other twelve were treated for smoke inhalation and minor burns, and most had been released by the afternoon.",
            "Kestrel Freight spokesperson Priya Menon said the company would continue paying the warehouse's roughly 140 employees while the site is closed.",
            "The fire is the second major warehouse blaze in Calder County in just over a year. Last November, a fire destroyed the Dorrance Home Goods distribution center in Millbrook, about 15 miles to the west.",
            "The cause of Tuesday's fire is under investigation.",
        ],
    ),
    dict(
        outlet="metro-daily-dispatch",
        slug="ashcombe-fire-cause-still-unknown",
        story="ashcombe-warehouse-fire-2026",
        title="Cause of Ashcombe warehouse fire still unknown as state fire marshal joins probe",
        author="Jerome Fitch",
        published="2026-11-18T07:45:00Z",
        section="Local",
        paragraphs=[
            "Investigators from the state fire marshal's office are set to join local officials on Wednesday in trying to determine what started the fire that destroyed much of a Kestrel Freight warehouse in Ashcombe early Tuesday.",
            "Thirteen people were treated for injuries after the fire, and three remained hospitalized Tuesday night, Ashcombe Fire Chief Dana Whitlock said. The chief said it was too early to rule anything in or out.",
            "\"We have a 210,000-square-foot building, a lot of it collapsed, and we are going to go through it piece by piece,\" Whitlock said. \"I am not going to guess at a cause, and I would ask everyone else not to either.\"",
            "Deputy State Fire Marshal Owen Tranter said his team would focus on the building's electrical systems and on the battery-charging area used for the warehouse's forklifts, which sat near where witnesses first reported smoke.",
            "\"Charging stations are one of the places we always look in a warehouse fire,\" Tranter said. \"That does not mean that is what happened here.\"",
            "Kestrel Freight, a Port Halden-based logistics company, leases the warehouse from Ashcombe Industrial Holdings. Neither company would say Tuesday whether the building was insured for its full value.",
            "Tanner Road remained closed between Route 31 and Gilley Lane on Tuesday night as crews continued to douse hot spots.",
        ],
    ),
    dict(
        outlet="coastline-times",
        slug="ashcombe-warehouse-failed-sprinkler-inspection",
        story="ashcombe-warehouse-fire-2026",
        title="Ashcombe fire warehouse failed sprinkler inspection in March, records show",
        author="Nadia Voss",
        published="2026-11-18T16:30:00Z",
        section="Region",
        paragraphs=[
            "The Ashcombe warehouse that burned early Tuesday failed a fire sprinkler inspection this spring, and town records do not show whether the problems were ever fixed, according to documents reviewed by the Coastline Times.",
            "An inspector with the Ashcombe Fire Prevention Bureau noted on March 11 that two sections of the sprinkler system at the Kestrel Freight building on Tanner Road had \"insufficient water pressure\" and that several sprinkler heads were blocked by stacked goods. The report gave the company 60 days to correct the problems.",
            "No follow-up inspection appears in the town's files. Ashcombe Town Manager Gareth Lowe said Wednesday that the town was \"pulling every record\" related to the building.",
            "\"If a follow-up was missed, we will say so, and we will fix how it was missed,\" Lowe said. \"People deserve a straight answer.\"",
            "Twelve people were injured in the fire, which started in the early hours of Tuesday and took firefighters most of the morning to bring under control. The 180,000-square-foot building was largely destroyed.",
            "Kestrel Freight spokesperson Priya Menon said the company \"addressed every item\" in the March report and had a contractor's invoice to prove it. She said the company would share the paperwork with investigators.",
            "Fire Chief Dana Whitlock declined to discuss the inspection, saying it was part of an active investigation.",
        ],
    ),
    # ------------------------------------------------------------------
    # Story: millbrook-warehouse-fire-2025 (the older fire; 2 outlets)
    # ------------------------------------------------------------------
    dict(
        outlet="northfield-courier",
        slug="fire-destroys-dorrance-warehouse-millbrook",
        story="millbrook-warehouse-fire-2025",
        title="Fire destroys Dorrance Home Goods warehouse in Millbrook",
        author="Hollis Grant",
        published="2025-11-13T10:15:00Z",
        section="Region",
        paragraphs=[
            "A fire that broke out Wednesday night destroyed the Dorrance Home Goods distribution center in Millbrook, sending flames high above Quarry Lane and drawing crews from across Calder County.",
            "The fire was reported at 10:52 p.m., about an hour after the last shift had left, Millbrook Fire Chief Samuel Okoro said. Two security guards inside the building escaped unharmed. One firefighter was treated for heat exhaustion at the scene.",
            "\"By the time the first engine pulled in, the roof was already starting to sag,\" Okoro said Thursday morning. \"We made the decision early to fight it from the outside. No piece of furniture is worth a firefighter's life.\"",
            "The 95,000-square-foot building held sofas, mattresses and other furniture waiting to be shipped to stores in three states. The roof collapsed shortly after midnight.",
            "Dorrance Home Goods employs 85 people at the Millbrook site. In a statement, company president Gail Dorrance said workers would be paid through the end of the year. \"We have been part of Millbrook for 31 years, and we intend to stay,\" she said.",
            "Quarry Lane was expected to remain closed through Friday. The cause of the fire is under investigation by the Millbrook Fire Department and the state fire marshal's office.",
        ],
    ),
    dict(
        outlet="valley-wire",
        slug="millbrook-warehouse-fire-workers-wait",
        story="millbrook-warehouse-fire-2025",
        title="After Millbrook warehouse fire, 90 workers wait to learn what comes next",
        author="Ben Achterberg",
        published="2025-11-14T09:00:00Z",
        section="News",
        paragraphs=[
            "Two days after fire destroyed the Dorrance Home Goods distribution center in Millbrook, the roughly 90 people who worked there are waiting to find out whether the company will rebuild.",
            "The warehouse on Quarry Lane burned on the night of November 12. No one was seriously hurt, but the building and nearly everything inside it was lost.",
            "\"Wednesday night I went to bed with a job, and Thursday morning I woke up to a picture of the place on fire,\" said forklift operator Renata Szabo, who has worked at the site for nine years. \"They say we'll be paid through December. After that, nobody knows.\"",
            "Company president Gail Dorrance has said the company intends to stay in Millbrook, but she has not said where employees would work in the meantime. A spokesperson said on Thursday that the company was looking at temporary space in Northfield.",
            "Millbrook Town Administrator Keith Ambler said the town would help the company speed up any permits it needs. \"We want those jobs here, and we will do whatever we can on our end,\" Ambler said.",
            "Fire Chief Samuel Okoro said Thursday that investigators had ruled out arson but had not yet identified a cause.",
        ],
    ),
    # ------------------------------------------------------------------
    # Story: port-halden-fare-free-buses (4 outlets)
    # ------------------------------------------------------------------
    dict(
        outlet="harbor-ledger",
        slug="port-halden-council-approves-fare-free-buses",
        story="port-halden-fare-free-buses",
        title="Port Halden council approves fare-free bus pilot on four routes",
        author="Imogen Hart",
        published="2026-11-17T09:30:00Z",
        section="City Hall",
        paragraphs=[
            "Riders on four of Port Halden's busiest bus routes will no longer pay a fare starting January 4, after the City Council voted 7-2 on Monday night to approve a one-year pilot program.",
            "The pilot will cover Routes 3, 7, 12 and 15, which together carry about 21,000 trips on an average weekday, according to the Port Halden Transit Authority. It is expected to cost the city $4.2 million in lost fare revenue and added service.",
            "\"Buses are how thousands of people in this city get to work, to school and to the doctor,\" Mayor Helena Marsh said after the vote. \"If we can make that trip a little easier for a year and learn something from it, that is money well spent.\"",
            "Councilmember Victor Stahl, who voted against the plan along with Councilmember Irene Caldwell, said the city had not shown how it would pay for the program beyond the first year.",
            "\"Nobody is against cheaper buses,\" Stahl said. \"I am against making a promise this council cannot keep in 2028.\"",
            "The transit authority will collect ridership and travel-time data throughout the pilot and report back to the council every quarter. Buses on the four routes will allow boarding through all doors to reduce delays at stops.",
            "Similar programs have been tried in several mid-sized cities, with mixed results on whether they draw new riders or mainly benefit people who already ride.",
        ],
    ),
    dict(
        outlet="civic-observer",
        slug="fare-free-bus-pilot-wins-council-approval",
        story="port-halden-fare-free-buses",
        title="Fare-free bus pilot wins council approval in Port Halden",
        author="Theo Lindgren",
        published="2026-11-17T11:00:00Z",
        section="Government",
        paragraphs=[
            "Port Halden will become the first city in Calder County to run buses without fares, after the City Council on Monday approved a one-year pilot on four routes.",
            "The 7-2 vote came after more than three hours of public comment in a packed council chamber. Most of the 40 speakers supported the plan.",
            "Yvonne Fairweather, a 54-year-old home health aide who rides Route 7 to reach clients on the city's south side, told council members she spends about $90 a month on bus fare. \"That is a grocery run every month,\" she said. \"For a lot of us, that is the difference.\"",
            "The pilot will cost $4.2 million, most of which will come from the city's parking revenue fund rather than the general budget, according to Port Halden Transit Authority Executive Director Lorna Vasquez.",
            "\"We are going to measure everything: who rides, when they ride, how long their trips take,\" Vasquez said. \"At the end of the year the council will have real numbers, not guesses.\"",
            "Fares will be dropped on the four routes in January. The authority said it would post signs at stops and on buses in the coming weeks.",
            "Opponents on the council questioned whether the program would be extended without a stable funding source.",
        ],
    ),
    dict(
        outlet="metro-daily-dispatch",
        slug="council-splits-over-free-bus-plan",
        story="port-halden-fare-free-buses",
        title="Council splits 6-3 over free bus plan as business leaders warn of costs",
        author="Priscilla Vane",
        published="2026-11-17T13:15:00Z",
        section="Politics",
        paragraphs=[
            "A divided Port Halden City Council voted 6-3 Monday night to eliminate fares on four city bus routes for a year, a plan that supporters called overdue and critics called a $4.8 million gamble.",
            "The pilot is scheduled to begin February 1, according to a memo from the Port Halden Transit Authority distributed to council members before the vote.",
            "Naomi Briggs, president of the Port Halden Chamber of Commerce, said the chamber supports public transit but worries the city will face pressure to keep the program going without a plan to pay for it.",
            "\"Free is a wonderful word until the bill arrives,\" Briggs said. \"We would have liked to see a smaller pilot, or a reduced fare, before the city jumped all the way in.\"",
            "Supporters, including Mayor Helena Marsh, argued that fares on the four routes bring in relatively little money compared with what it costs to collect them. Fare machines on older buses are frequently out of service, transit officials said.",
            "\"We spend real money just to take people's quarters,\" Councilmember Omar Haddad said during the debate. \"Let's find out what happens when we stop.\"",
            "Councilmembers Victor Stahl, Irene Caldwell and Bruce Ketteridge voted no.",
        ],
    ),
    dict(
        outlet="northfield-courier",
        slug="northfield-watches-port-halden-bus-experiment",
        story="port-halden-fare-free-buses",
        title="Northfield leaders watch Port Halden's fare-free bus experiment",
        author="Hollis Grant",
        published="2026-11-18T17:00:00Z",
        section="Region",
        paragraphs=[
            "Northfield officials say they will be watching closely after Port Halden's City Council voted Tuesday night to make four bus routes free for a year.",
            "The 7-2 vote in Port Halden makes it the first city in the region to try fare-free service. Northfield, which runs a smaller system of six routes through the Northfield Area Transit district, has discussed the idea in the past but never brought it to a vote.",
            "\"I would love to be able to tell people the bus is free,\" Northfield Mayor Colin Ferris said Wednesday. \"But we have to see the numbers first. If Port Halden's ridership goes up and the costs stay where they say they will, that will get a lot of attention here.\"",
            "Northfield Area Transit collects about $1.3 million a year in fares, according to its most recent budget, roughly 11 percent of its operating costs.",
            "Transit district board member Ruth Okafor said riders in Northfield have asked mainly for more frequent service, not free fares. \"If I had a dollar to spend, I would put it into buses that come every 15 minutes instead of every 40,\" she said.",
            "The Port Halden pilot will cover four routes and is expected to start in January.",
        ],
    ),
    # ------------------------------------------------------------------
    # Story: linden-falls-flood-2026 (4 outlets)
    # ------------------------------------------------------------------
    dict(
        outlet="valley-wire",
        slug="tessel-river-floods-downtown-linden-falls",
        story="linden-falls-flood-2026",
        title="Tessel River floods downtown Linden Falls; hundreds of households evacuated",
        author="Marisol Tan",
        published="2026-11-19T15:40:00Z",
        section="News",
        paragraphs=[
            "The Tessel River spilled over its banks in Linden Falls on Thursday after two days of heavy rain, flooding much of the downtown business district and forcing about 300 households to leave their homes.",
            "The river reached 18.4 feet at the Mill Street gauge early Thursday afternoon, more than four feet above flood stage, according to the Calder County Office of Emergency Management. It was the highest level recorded there since 2011.",
            "\"We went door to door on the low streets starting at five this morning,\" said Rosa Lindqvist, the county's emergency management director. \"Most people were already packing. They knew what the river looked like.\"",
            "An emergency shelter opened at Linden Falls High School, where about 80 people had checked in by mid-afternoon. Volunteers from the Calder Relief Network were serving hot meals.",
            "Water covered parts of Mill Street, Bridge Street and River Road, and police closed the Union Street bridge as a precaution. No injuries had been reported by Thursday afternoon.",
            "Shop owner Kwame Asante watched from the steps of the library as water reached the windows of his hardware store. \"Thirty years we have been on this corner,\" he said. \"I moved what I could upstairs last night. The rest is out of my hands.\"",
            "Forecasters expected the rain to taper off by Thursday night, but officials warned the river could stay above flood stage into the weekend.",
        ],
    ),
    dict(
        outlet="northfield-courier",
        slug="linden-falls-flood-340-households-evacuated",
        story="linden-falls-flood-2026",
        title="Flooding forces 340 households from their homes in Linden Falls",
        author="Dorothy Ashby",
        published="2026-11-20T07:30:00Z",
        section="Region",
        paragraphs=[
            "Residents of 340 households in Linden Falls spent Thursday night away from home after the Tessel River flooded the town's downtown and several nearby neighborhoods.",
            "The river crested at 18.9 feet Thursday evening, county officials said, nearly five feet above flood stage. Calder County Emergency Management Director Rosa Lindquist said the water was expected to recede slowly through the weekend.",
            "\"This is not a one-day event,\" Lindquist said at a briefing Thursday night. \"Even when the rain stops, the river keeps coming for a while. We are asking people to be patient and stay out of the water.\"",
            "The Linden Falls Community Center on Grove Avenue served as the main shelter. Northfield sent two fire engines and a rescue boat to help, and Northfield firefighters helped evacuate a nursing home on River Road early Thursday, Northfield Fire Chief Mark Delaney said.",
            "Forty-one residents of the Riverside Manor nursing home were moved by bus to a sister facility in Northfield. \"Everyone was calm. The staff had them ready to go before we got there,\" Delaney said.",
            "State Route 9 between Linden Falls and Carrow Bay remained closed Friday morning.",
            "The county has opened a hotline for flood damage reports at the emergency management office.",
        ],
    ),
    dict(
        outlet="coastline-times",
        slug="carrow-bay-braces-as-tessel-flood-moves-downstream",
        story="linden-falls-flood-2026",
        title="Carrow Bay braces as Tessel River floodwater moves downstream",
        author="Nadia Voss",
        published="2026-11-20T12:10:00Z",
        section="Region",
        paragraphs=[
            "Carrow Bay officials spent Friday stacking sandbags and moving equipment to higher ground as floodwater from the Tessel River, which swamped Linden Falls on Thursday, made its way toward the coast.",
            "Some 4.1 inches of rain fell on the upper Tessel valley in 36 hours, according to the Calder County Office of Emergency Management. The river peaked at 18.4 feet in Linden Falls, where about 300 households were evacuated.",
            "In Carrow Bay, where the Tessel meets the Sallow Channel, the concern is timing. An unusually high tide is expected Saturday morning, and officials fear the combination could push water into low-lying streets near the harbor.",
            "\"If the river and the tide peak together, Front Street is going to get wet,\" Carrow Bay Public Works Director Hannah Cole said. \"We are getting ready for that as if it is going to happen.\"",
            "The city has set up a sandbag station at the public works yard on Kettle Road and asked residents of Front Street and Pier Lane to move their cars by Friday night.",
            "Route 9 between Carrow Bay and Linden Falls remained closed on Friday. Harbormaster Elliot Graves said small craft should stay in port through the weekend because of debris washing down the river.",
            "\"There are whole trees coming down that river right now,\" Graves said.",
        ],
    ),
    dict(
        outlet="civic-observer",
        slug="linden-falls-begins-long-cleanup",
        story="linden-falls-flood-2026",
        title="Linden Falls begins long cleanup as Tessel River recedes",
        author="Theo Lindgren",
        published="2026-11-21T10:00:00Z",
        section="Community",
        paragraphs=[
            "Shopkeepers in Linden Falls pulled soaked carpet, drywall and ruined stock onto the sidewalks of Mill Street on Friday as the Tessel River slowly retreated from the town's downtown.",
            "At least 62 businesses and more than 150 homes were damaged, according to a preliminary count by the town. About 300 households were evacuated during the flood on Thursday, and many returned Friday afternoon to find mud and standing water in their basements.",
            REPEATED_SENTENCE,
            "Haskins said the town would waive permit fees for flood repairs through March and was working with the Linden Falls Merchants Association to set up a relief fund for small businesses.",
            "Calder County commissioners voted in an emergency session Friday to ask the governor for a state disaster declaration, which would open the door to low-interest loans for homeowners and business owners.",
            "At Birch & Barrel, a cafe on Mill Street, owner Sofia Marchetti and her two teenage sons hosed mud out of the kitchen. \"We flooded in 2011 too,\" she said. \"I told myself I would never do this again. Here I am.\"",
            "Town officials urged residents to throw out any food that had touched floodwater and to have gas appliances checked before using them.",
        ],
        pullquote=(4, REPEATED_SENTENCE),
    ),
    # ------------------------------------------------------------------
    # Story: corvane-pipeline-fine (wire original, wire near-copy, own report)
    # ------------------------------------------------------------------
    dict(
        outlet="coastline-times",
        slug="regulators-fine-corvane-energy-over-late-leak-reports",
        story="corvane-pipeline-fine",
        title="Regulators fine Corvane Energy $2.1 million over late leak reports",
        author="Marcus Bell",
        credit="Allied Press Service",
        published="2026-11-18T20:15:00Z",
        section="Business",
        paragraphs=list(_WIRE_CORVANE),
    ),
    dict(
        outlet="civic-observer",
        slug="corvane-energy-hit-with-penalty-for-slow-leak-disclosures",
        story="corvane-pipeline-fine",
        title="Corvane Energy hit with $2.1 million penalty for slow leak disclosures",
        author="Marcus Bell",
        credit="Allied Press Service",
        published="2026-11-18T22:40:00Z",
        section="Business",
        paragraphs=list(WIRE_COPY),
    ),
    dict(
        outlet="harbor-ledger",
        slug="corvane-weighs-appeal-of-leak-reporting-fine",
        story="corvane-pipeline-fine",
        title="Corvane weighs appeal of leak-reporting fine as neighbors recall gas smell",
        author="Imogen Hart",
        published="2026-11-19T09:00:00Z",
        section="Business",
        paragraphs=[
            "Corvane Energy said Thursday it was considering whether to challenge a $2.1 million state fine over how slowly it reported gas leaks in Port Halden and Ashcombe.",
            "The State Pipeline Safety Commission voted 4-1 on Wednesday to impose the penalty, finding that Corvane failed to report four leaks within the required 24 hours. Commissioner Aaron Feld cast the lone vote against, arguing that the fine should have been higher.",
            "\"We respect the commission's work, and we are reviewing the order carefully with our attorneys,\" Corvane spokesperson Daniel Reyes-Park said. \"No decision has been made about a hearing.\"",
            "One of the leaks was on Larkspur Avenue in Port Halden's Eastgate neighborhood, where residents said they reported a strong smell of gas in early April.",
            "\"We called it in on a Sunday morning and there was a truck here within an hour, so we thought it was handled,\" said Maureen Castellano, who has lived on the street for 22 years. \"I had no idea nobody told the state for more than a week.\"",
            "Commission Chair Margaret Iwu said Wednesday that the company had fixed each leak promptly but that the reporting rule was not optional.",
            "Corvane has 30 days from the date of the order to pay or request a hearing.",
        ],
    ),
    # ------------------------------------------------------------------
    # Story: calder-valley-nurses-strike-vote (3 outlets)
    # ------------------------------------------------------------------
    dict(
        outlet="northfield-courier",
        slug="calder-valley-nurses-vote-to-authorize-strike",
        story="calder-valley-nurses-strike-vote",
        title="Calder Valley Medical Center nurses vote to authorize strike",
        author="Dorothy Ashby",
        published="2026-11-13T21:00:00Z",
        section="Local",
        paragraphs=[
            "Nurses at Calder Valley Medical Center in Northfield have voted overwhelmingly to authorize a strike, their union announced Friday, raising the possibility of a walkout as early as December 1.",
            "Ninety-one percent of voting members of the Calder Nurses Alliance approved the authorization, which allows union leaders to call a strike if contract talks fail. The union represents about 1,100 registered nurses at the hospital.",
            "\"Nobody becomes a nurse because they want to walk a picket line,\" union president Janelle Ortiz-Crane said outside the hospital's main entrance. \"But we are caring for too many patients at once, and our members have said clearly that they are ready to do what it takes.\"",
            "Staffing levels are at the center of the dispute. The union wants a limit on how many patients each nurse can be assigned on medical and surgical floors. The hospital has offered raises of 3 percent a year over three years but has rejected fixed staffing ratios.",
            "Hospital spokesperson Bernard Lutz said Calder Valley remained committed to reaching an agreement. \"Our nurses are the heart of this hospital, and we want a contract that reflects that,\" Lutz said. \"We also have to make sure that any agreement is one we can sustain.\"",
            "Under state law, the union must give the hospital 10 days' notice before any strike. The nurses' previous contract expired on September 30.",
        ],
    ),
    dict(
        outlet="metro-daily-dispatch",
        slug="strike-looms-at-calder-valley-medical-center",
        story="calder-valley-nurses-strike-vote",
        title="Strike looms at Calder Valley as 94% of nurses back walkout",
        author="Jerome Fitch",
        published="2026-11-14T08:30:00Z",
        section="Health",
        paragraphs=[
            "A strike by nurses at Calder Valley Medical Center could begin as early as December 3 after 94 percent of union members voted to authorize one, union leaders said Friday.",
            "The Calder Nurses Alliance, which represents roughly 1,200 nurses at the Northfield hospital, has been negotiating a new contract since July.",
            "\"We have bargained in good faith for months,\" union president Janelle Ortiz said. \"The hospital keeps telling us there is no money for more staff while it breaks ground on a new parking garage.\"",
            "The hospital said the garage was paid for with bond money that could not legally be spent on salaries. In a statement, hospital officials said they had contingency plans to keep the emergency department and intensive care units open in the event of a strike, including hiring temporary replacement nurses through an outside agency.",
            "Emergency room nurse Claire Whitford, who has worked at the hospital for 14 years, said she had voted yes \"with a heavy heart.\"",
            "\"I am scared for my patients if we strike, and I am scared for them if we don't,\" Whitford said.",
            "No new negotiating sessions had been scheduled as of Friday evening.",
        ],
    ),
    dict(
        outlet="valley-wire",
        slug="mediator-called-in-calder-valley-nurse-talks",
        story="calder-valley-nurses-strike-vote",
        title="State mediator called in as Calder Valley nurses weigh strike date",
        author="Marisol Tan",
        published="2026-11-16T12:00:00Z",
        section="News",
        paragraphs=[
            "A state mediator will join contract talks between Calder Valley Medical Center and its nurses on Wednesday, both sides said Monday, days after the nurses voted to authorize a strike.",
            "The Calder Nurses Alliance said 91 percent of voting members backed the strike authorization in results announced Friday. The union represents about 1,100 nurses at the Northfield hospital.",
            "Hospital chief executive Dr. Alan Pryce said he had asked for mediation. \"We think a neutral voice in the room will help both sides move,\" Pryce said in an interview. \"I do not want a strike, and I do not think our nurses want one either.\"",
            "Union president Janelle Ortiz-Crane said the union would attend the session but had not ruled out setting a strike date. \"Mediation is welcome. Delay is not,\" she said.",
            "The state Board of Labor Mediation assigned mediator Franklin Osei, who helped settle a dispute between Port Halden and its sanitation workers two years ago.",
            "Patients with scheduled procedures should keep their appointments, hospital officials said, because no strike notice has been issued.",
        ],
    ),
    # ------------------------------------------------------------------
    # Story: alder-street-bridge-closure (2 outlets)
    # ------------------------------------------------------------------
    dict(
        outlet="coastline-times",
        slug="alder-street-bridge-closed-after-cracks-found",
        story="alder-street-bridge-closure",
        title="Alder Street Bridge closed after inspectors find cracks in support beam",
        author="Owen Pritchard",
        published="2026-11-10T17:00:00Z",
        section="Carrow Bay",
        paragraphs=[
            "Carrow Bay closed the Alder Street Bridge to all traffic on Tuesday after a routine inspection found cracks in one of the steel beams that carry the roadway over the Sallow Channel.",
            "The closure is expected to last about six weeks while engineers design and install a repair, Public Works Director Hannah Cole said. The bridge carries about 11,000 vehicles a day between the downtown waterfront and the Westbank neighborhood.",
            "\"We found something we did not like, and we are not going to take chances with it,\" Cole said. \"The bridge is not going to fall down tomorrow, but we want to fix it before it becomes a bigger problem.\"",
            "Drivers are being detoured to the Harbor Road crossing, about a mile to the south. Pedestrians and cyclists can use a temporary ferry shuttle that will run every 20 minutes from 6 a.m. to 8 p.m., the city said.",
            "The 1962 bridge was last fully rehabilitated in 2004. It is one of 14 bridges in Carrow Bay rated in \"fair\" condition in the most recent state inspection report.",
            "Westbank business owners worried about losing customers during the holiday season. \"Six weeks in December is a long time for a small shop,\" said Lydia Brandt, who owns a toy store on Channel Street.",
        ],
    ),
    dict(
        outlet="harbor-ledger",
        slug="carrow-bay-bridge-closure-snarls-commutes",
        story="alder-street-bridge-closure",
        title="Carrow Bay bridge closure could last eight weeks, snarling commutes",
        author="Clara Dunmore",
        published="2026-11-11T10:00:00Z",
        section="Region",
        paragraphs=[
            "Commuters between Carrow Bay and Port Halden faced long delays Wednesday morning, the first full day since the Alder Street Bridge was closed for emergency repairs.",
            "City officials said the bridge, which carries about 9,500 vehicles a day, could remain closed for up to eight weeks. Inspectors found cracks in a steel support beam during a scheduled inspection on Monday.",
            "Traffic backed up for more than a mile on Harbor Road, the main detour route, during the morning rush. Bus riders on the Coastal Connector line reported delays of 25 minutes or more.",
            "\"I left 20 minutes early and was still late,\" said Tobias Wren, who commutes from Westbank to a job at the Port Halden shipyard. \"If this goes on until January, I don't know what people are going to do.\"",
            "Carrow Bay Public Works Director Hannah Cole said the city had asked the state for permission to add a temporary traffic signal at the Harbor Road intersection to keep traffic moving.",
            "\"We know this is painful,\" Cole said. \"Eight weeks is the outside estimate. If the repair goes well, it will be sooner.\"",
            "The city has also asked employers in the Westbank area to consider staggered start times during the closure.",
        ],
    ),
    # ------------------------------------------------------------------
    # Story: mariners-tri-county-cup (2 outlets)
    # ------------------------------------------------------------------
    dict(
        outlet="metro-daily-dispatch",
        slug="mariners-beat-rovers-to-lift-tri-county-cup",
        story="mariners-tri-county-cup",
        title="Mariners beat Eastmere Rovers 3-1 to lift Tri-County Cup",
        author="Dev Raman",
        published="2026-11-15T09:00:00Z",
        section="Sports",
        paragraphs=[
            "Tomas Eklund scored twice in the second half as the Port Halden Mariners beat the Eastmere Rovers 3-1 on Saturday night at Gull Park to win the Tri-County Cup for the first time in nine years.",
            "A crowd of 6,200, the largest of the season, watched the Mariners come from behind after Rovers striker Jamal Osterhout put the visitors ahead in the 22nd minute.",
            "Defender Kofi Mensah leveled the score just before halftime, heading in a corner from captain Ollie Penrose. Eklund then took over, finishing a low cross in the 61st minute and adding a second from the edge of the box in the 84th.",
            "\"I've been here six years and we've come close so many times,\" Mensah said. \"To do it at home, in front of these people, it's the best night of my career.\"",
            "Mariners coach Rita Castellanos credited her team's fitness. \"We said at halftime that they would get tired before we did,\" she said. \"And they did.\"",
            "The Mariners finished the regular season second in the table, four points behind Eastmere.",
            "The win earns Port Halden a place in the State Club Championship, which begins in March.",
        ],
    ),
    dict(
        outlet="harbor-ledger",
        slug="mariners-end-nine-year-wait-for-tri-county-cup",
        story="mariners-tri-county-cup",
        title="Mariners end nine-year wait for Tri-County Cup",
        author="Gus Farrow",
        published="2026-11-15T11:30:00Z",
        section="Sports",
        paragraphs=[
            "For nine years, the Tri-County Cup had gone somewhere other than Port Halden. On Saturday night, in front of a roaring home crowd at Gull Park, the Mariners finally brought it back.",
            "Tomás Ecklund's two second-half goals lifted the Mariners to a 3-1 win over the Eastmere Rovers, who had beaten them twice during the regular season.",
            "The Rovers took the lead midway through the first half, but Kofi Mensah's header from a corner evened the score before the break. Ecklund, who joined the club in the summer from Ashcombe Athletic, put the Mariners in front with a low finish just after the hour mark and sealed it late.",
            "The announced attendance was 5,800, and fans spilled onto the field after the final whistle.",
            "\"This city has waited a long time for this,\" Mariners coach Rita Castellanos said. \"The players deserve it, and so do the people who kept showing up when we were losing.\"",
            "Rovers coach Stefan Dahl said his team had run out of energy. \"We had our chances in the first half,\" Dahl said. \"Give them credit, they were the better team after the break.\"",
            "The Mariners will represent the region in the State Club Championship in the spring.",
        ],
    ),
    # ------------------------------------------------------------------
    # Story: brennan-ridge-hiker-rescue (3 outlets)
    # ------------------------------------------------------------------
    dict(
        outlet="valley-wire",
        slug="missing-hiker-found-alive-brennan-ridge",
        story="brennan-ridge-hiker-rescue",
        title="Missing hiker found alive in Brennan Ridge State Forest after three nights",
        author="Ben Achterberg",
        published="2026-11-21T14:00:00Z",
        section="News",
        paragraphs=[
            "A 67-year-old Millbrook man who had been missing in Brennan Ridge State Forest since Wednesday was found alive Saturday morning, the Calder County Sheriff's Office said.",
            "Walter Pennick was spotted at about 8:15 a.m. by a search team flying a thermal-imaging drone over a steep ravine near the Owl Hollow Trail, about two miles from where his car was found. He was cold and dehydrated but able to speak with rescuers, officials said.",
            "\"When the operator called it in, you could hear the whole command post cheer,\" said Lt. Craig Duval, who led the search for the sheriff's office. \"After three nights in this weather, we were hoping, but we were also realistic.\"",
            "Pennick, an experienced hiker, set out Wednesday morning on what his family said was meant to be a four-hour day hike. He was reported missing that evening when he did not return home.",
            "Overnight temperatures in the forest dropped below freezing on Thursday and Friday nights. Duval said Pennick had sheltered under a rock overhang and kept himself dry with a rain poncho.",
            "Rescuers carried him out on a litter to a waiting ambulance at the Owl Hollow trailhead.",
            "Duval urged hikers to tell someone their route and to carry a light, extra layers and a charged phone, even on short trips.",
        ],
    ),
    dict(
        outlet="northfield-courier",
        slug="dog-team-finds-missing-millbrook-hiker",
        story="brennan-ridge-hiker-rescue",
        title="Volunteer dog team finds missing Millbrook hiker, 68, in state forest",
        author="Hollis Grant",
        published="2026-11-21T18:30:00Z",
        section="Region",
        paragraphs=[
            "A volunteer search dog named Juniper led rescuers to a 68-year-old Millbrook man who had been lost in Brennan Ridge State Forest for three nights, ending a search that drew volunteers from across the region.",
            "Walter Pennick was found Saturday morning in a ravine off the Owl Hollow Trail by a team from the Tri-County Search Dog Association, according to Lt. Greg Duval of the Calder County Sheriff's Office.",
            "\"Juniper picked up his scent on the ridge and just would not let it go,\" said handler Marta Lindahl, a retired schoolteacher from Northfield. \"She took us straight down the slope. And there he was, sitting up and waving.\"",
            "Pennick's daughter, Amelia Pennick, said the family had never given up hope. \"My father has walked those trails for forty years,\" she said. \"He knows how to take care of himself. We just needed someone to find him.\"",
            "More than 120 volunteers, along with sheriff's deputies, state forest rangers and a drone team, took part in the search, which was centered on the area where Pennick's car was found on Wednesday evening.",
            "Pennick was taken to a hospital for evaluation. His family asked for privacy while he recovers.",
        ],
    ),
    dict(
        outlet="civic-observer",
        slug="rescued-hiker-released-from-hospital",
        story="brennan-ridge-hiker-rescue",
        title="Hiker rescued from Brennan Ridge released from hospital",
        author="Rhea Dunleavy",
        published="2026-11-22T09:00:00Z",
        section="Community",
        paragraphs=[
            "Walter Pennick, the 67-year-old hiker who was found alive Saturday after going missing in Brennan Ridge State Forest, was released from Calder Valley Medical Center on Saturday evening, his family said.",
            "Pennick was treated for mild hypothermia and dehydration. He had been missing since Thursday, when he failed to return from a hike on the Owl Hollow Trail.",
            "Searchers found him at about 8:15 a.m. Saturday in a wooded ravine. More than 150 volunteers had joined sheriff's deputies and forest rangers in the search, which covered some 11 square miles of rugged terrain.",
            "\"I made one wrong turn coming off the ridge, and then I made it worse by trying to fix it,\" Pennick said in a brief statement read by his son, Eric Pennick. \"I want to thank every single person who came out to look for me.\"",
            "Brennan Ridge State Forest Superintendent Carla Mendes said the department would review trail signs in the Owl Hollow area, where two other hikers have become lost in the past three years.",
            "\"The trail is well marked going up, but the junctions coming down can be confusing, especially as it gets dark,\" Mendes said. \"We can do better there.\"",
        ],
    ),
    # ------------------------------------------------------------------
    # Story: meridale-billing-breach (3 outlets)
    # ------------------------------------------------------------------
    dict(
        outlet="civic-observer",
        slug="billing-vendor-breach-exposes-water-customers",
        story="meridale-billing-breach",
        title="Data breach at billing vendor exposes 40,000 water customers' information",
        author="Theo Lindgren",
        published="2026-11-12T16:00:00Z",
        section="Government",
        paragraphs=[
            "Names, addresses and partial bank account numbers of about 40,000 Calder County Water Authority customers were exposed in a data breach at the company that handles the authority's billing, officials said Thursday.",
            "Meridale Billing Systems, based in Northfield, discovered the intrusion on October 30 and notified the water authority on November 6, according to Water Authority Executive Director Felix Aranda.",
            "\"We are angry that our customers' information was exposed, and we are angry about how long it took to tell us,\" Aranda said. \"We have made that very clear to Meridale.\"",
            "Customers who paid their bills by automatic bank withdrawal are most affected. The last four digits of their account numbers, along with bank routing numbers, were in the files that were accessed. Full account numbers and passwords were not exposed, the company said.",
            "Meridale said it would offer affected customers 12 months of free credit monitoring. Letters to customers will be mailed starting next week.",
            "In a statement, Meridale chief executive Hugh Tasker apologized and said the company had \"contained the incident\" and hired an outside security firm to investigate.",
            "The water authority said customers should watch their bank statements for unfamiliar withdrawals and be wary of phone calls or emails asking for payment information.",
        ],
    ),
    dict(
        outlet="metro-daily-dispatch",
        slug="meridale-hack-exposes-water-customers-bank-details",
        story="meridale-billing-breach",
        title="Water customers' bank details exposed in Meridale hack; 43,000 affected",
        author="Priscilla Vane",
        published="2026-11-13T07:00:00Z",
        section="Local",
        paragraphs=[
            "Bank information belonging to roughly 43,000 customers of the Calder County Water Authority was stolen in a cyberattack on a billing contractor, the authority disclosed Thursday.",
            "The contractor, Meridale Billing Systems, detected the attack on October 28 but did not alert the water authority for more than a week, officials said.",
            "Meridale will provide 24 months of credit monitoring to affected customers, a company spokesperson said.",
            "County Commissioner Leah Sorensen, who sits on the water authority's oversight board, said she would ask the board to review the contract with Meridale, which runs through 2028. \"A vendor that sits on a breach for a week should not expect to keep the keys,\" Sorensen said.",
            "Security researcher Nikhil Batra, who teaches at Calder State University, said partial account numbers combined with names and addresses could be used in convincing phishing scams. \"The danger is not that someone empties your account tomorrow,\" he said. \"It's that someone calls you next month sounding exactly like your water company.\"",
            "The water authority has set up a phone line for customers with questions and said it would never ask for bank details by phone.",
        ],
    ),
    dict(
        outlet="coastline-times",
        slug="carrow-bay-residents-among-water-breach-victims",
        story="meridale-billing-breach",
        title="Carrow Bay residents among those hit by water billing data breach",
        author="Owen Pritchard",
        published="2026-11-13T14:45:00Z",
        section="Carrow Bay",
        paragraphs=[
            "Thousands of Carrow Bay households are among the roughly 40,000 Calder County Water Authority customers whose personal and banking information was exposed in a breach at billing contractor Meridale Billing Systems.",
            "About 7,500 of the affected accounts are in Carrow Bay, according to figures the water authority provided to the city on Friday.",
            "Carrow Bay City Manager Denise Albright said the city would hold an information session for residents at the public library on Tuesday evening. \"People have a lot of questions, and they should be able to ask them face to face,\" Albright said.",
            "Retiree Harold Finch, 74, said he learned of the breach from a neighbor. \"I have paid that bill the same way for twenty years,\" he said. \"Now I have to wonder who has my bank number.\"",
            "Meridale chief executive Hugh Tasker said Friday that the company had found no evidence that the stolen information had been used for fraud. The company discovered the breach on October 30.",
            "Customers can switch to paying by card or by mail, the water authority said, and those who change their payment method will not be charged a fee.",
        ],
    ),
    # ------------------------------------------------------------------
    # Story: eastmere-lantern-festival (2 outlets)
    # ------------------------------------------------------------------
    dict(
        outlet="northfield-courier",
        slug="eastmere-cancels-winter-lantern-festival",
        story="eastmere-lantern-festival",
        title="Eastmere cancels Winter Lantern Festival for first time in three decades",
        author="Dorothy Ashby",
        published="2026-11-16T19:00:00Z",
        section="Arts",
        paragraphs=[
            "The Eastmere Winter Lantern Festival, which has drawn crowds to the town green every December since 1994, will not take place this year, the Eastmere Arts Council announced Monday.",
            "Council director Bea Thornbury said the festival lost its two largest sponsors this year, and the cost of liability insurance for the event had nearly doubled since 2024.",
            "\"This was the hardest decision we have ever made,\" Thornbury said. \"We looked at every way to make it work, a smaller festival, a shorter one, and the numbers simply did not add up.\"",
            "The festival, known for its parade of handmade paper lanterns along Canal Street, drew an estimated 25,000 visitors last year. Local businesses rely on it for one of their busiest weekends.",
            "\"It is the one weekend in December when my cafe is full from morning to night,\" said Tomasz Wierzbicki, who owns a coffee shop on Canal Street. \"It is a big loss, for us and for the kids.\"",
            "Thornbury said the arts council hoped to bring the festival back in 2027 and would hold lantern-making workshops for children at the Eastmere Public Library in December.",
        ],
    ),
    dict(
        outlet="civic-observer",
        slug="eastmere-residents-start-fund-to-save-lantern-festival",
        story="eastmere-lantern-festival",
        title="After lantern festival is cancelled, Eastmere residents start a fund to save it",
        author="Rhea Dunleavy",
        published="2026-11-17T15:00:00Z",
        section="Community",
        paragraphs=[
            "Less than a day after the Eastmere Arts Council called off this year's Winter Lantern Festival, residents had raised more than $18,000 in an online campaign to bring it back.",
            "The festival, an Eastmere tradition since 1996, was cancelled on Monday because of lost sponsorships and rising insurance costs, the arts council said.",
            "The fundraising campaign was started by Joanna Raghavan, a parent whose children have marched in the lantern parade for five years. \"I saw the news at dinner and my daughter started crying,\" Raghavan said. \"I thought, we can at least try.\"",
            "Arts council director Bea Thornbury said she was moved by the response but cautioned that the festival needed about $140,000 to run safely. \"Money alone does not solve the insurance problem, and it is very late to book the stages and security we need,\" she said.",
            "Eastmere Town Council President Richard Oyelaran said the council would discuss on November 24 whether the town could help cover insurance costs.",
            "\"If there is a way to light those lanterns this year, we are going to look for it,\" Oyelaran said.",
        ],
    ),
    # ------------------------------------------------------------------
    # Story: marrow-bakery-centennial (1 outlet)
    # ------------------------------------------------------------------
    dict(
        outlet="harbor-ledger",
        slug="marrow-and-sons-bakery-turns-100",
        story="marrow-bakery-centennial",
        title="A century of rye: Marrow & Sons Bakery turns 100 on Wharf Street",
        author="Gus Farrow",
        published="2026-11-20T12:00:00Z",
        section="Life",
        paragraphs=[
            "On a cold morning in 1926, Elias Marrow fired up a brick oven in a narrow storefront on Wharf Street and sold his first loaves of rye bread to dockworkers heading to the Port Halden piers. This Saturday, his great-granddaughter will do the same thing, in the same building, to mark the bakery's 100th anniversary.",
            "\"We still use his starter,\" said Nell Marrow, who has run Marrow & Sons since 2015. \"Not the same flour as back then, obviously, but the same culture, fed every single day for a hundred years. That is the part I am most nervous about dropping.\"",
            "The bakery survived the harbor fire of 1951, which destroyed much of the block, as well as a decade in the 1980s when the waterfront was mostly vacant warehouses. Today it employs 18 people and ships bread to restaurants across Calder County.",
            "The celebration on Saturday, November 21, will include free slices of the original rye, a photo exhibit of the bakery's history and live music from the Port Halden Brass Quintet starting at 10 a.m.",
            "Longtime customer Arthur Pell, 88, said he has bought bread there every week since he was a boy. \"My mother sent me down with a nickel,\" he said. \"Now it's a bit more than a nickel. But it tastes the same.\"",
            "The city plans to install a historical marker outside the shop next spring.",
        ],
    ),
    # ------------------------------------------------------------------
    # Story: adeyemi-senate-bid (2 outlets)
    # ------------------------------------------------------------------
    dict(
        outlet="valley-wire",
        slug="adeyemi-launches-state-senate-bid",
        story="adeyemi-senate-bid",
        title="County Commissioner Raymond Adeyemi launches bid for state Senate",
        author="Marisol Tan",
        published="2026-11-19T20:00:00Z",
        section="Politics",
        paragraphs=[
            "Calder County Commissioner Raymond Adeyemi announced Thursday that he will run for the state Senate seat held by Sen. Louise Hartigan, who said last month that she would not seek another term.",
            "Adeyemi, 46, a former high school science teacher who has served two terms on the county commission, made the announcement at the Ashcombe Public Library, where he said he had studied as a teenager.",
            "\"I have spent eight years fixing roads, opening clinics and answering the phone when people call,\" Adeyemi told about 100 supporters. \"I want to take that same approach to the state capital.\"",
            "He is running for the 14th District, which covers Ashcombe, Millbrook and the northern half of Northfield. He said his priorities would be rural broadband, flood protection along the Tessel River and funding for community health clinics.",
            "Hartigan, who has held the seat for 16 years, has not endorsed a successor.",
            "At least one other candidate is expected to enter the race. Millbrook businesswoman Carolyn Sato has formed an exploratory committee and said she will decide by January.",
            "The primary election is scheduled for next June.",
        ],
    ),
    dict(
        outlet="metro-daily-dispatch",
        slug="adeyemi-enters-race-for-hartigan-seat",
        story="adeyemi-senate-bid",
        title="Adeyemi enters race for retiring senator's seat",
        author="Dev Raman",
        published="2026-11-20T08:15:00Z",
        section="Politics",
        paragraphs=[
            "Raymond Adeyemi, a two-term Calder County commissioner, said Thursday he is running for the 12th Senate District seat that longtime Sen. Louise Hartigan is giving up next year.",
            "Adeyemi, 47, made the announcement before a crowd of supporters in Ashcombe. He is the first declared candidate for the seat.",
            "\"This district needs somebody who has actually sat in the meetings where the money runs out,\" Adeyemi said. \"I have been in those meetings. I know where the gaps are.\"",
            "Adeyemi led the county commission's push last year to reopen the shuttered clinic in Millbrook, which now serves about 4,000 patients a year. Critics on the commission have accused him of supporting spending increases the county cannot sustain.",
            "Commissioner Leah Sorensen, who has clashed with Adeyemi over the county budget, said she had not decided whom she would support. \"Ray is a hard worker. We disagree about a lot,\" she said.",
            "The seat has been held by Hartigan since 2010.",
        ],
    ),
    # ------------------------------------------------------------------
    # Stories told in other words (issue 12). Each outlet gives the same
    # facts in its own wording, adds details no other outlet gives, and the
    # outlets disagree on exactly one number. tests/test_agreement_demo.py
    # holds what the agreement panel must make of them.
    # ------------------------------------------------------------------
    # Story: gannet-point-ferry-grounding (3 outlets)
    # ------------------------------------------------------------------
    dict(
        outlet="coastline-times",
        slug="island-wren-ferry-grounds-off-gannet-point",
        story="gannet-point-ferry-grounding",
        title="Island Wren ferry grounds off Gannet Point with passengers aboard",
        author="Owen Pritchard",
        published="2026-11-16T06:30:00Z",
        section="Carrow Bay",
        paragraphs=[
            "The Island Wren, a Calder Sound Ferries boat on its last run of the day, grounded on a sandbar just off Gannet Point on Sunday evening, leaving it stuck in the shallows within sight of the Carrow Bay lights.",
            "According to the ferry company, 112 passengers were on board when it came to a stop.",
            "Captain Choi Min-jae called the Coast Guard by radio within minutes and kept everyone inside the main cabin while help was on its way, the company said.",
            "Four people suffered minor injuries as the hull scraped along the bottom, and all of them were checked over by paramedics once they reached the dock.",
            "\"There was a long grinding sound under our feet and then the engines went quiet,\" said Marjorie Vance of Eastmere, who was heading home after visiting her sister.",
            "Two tugboats from Merrow Marine pulled the vessel free on the rising tide at about 3 a.m. Monday, and it was towed to the company's repair yard.",
            "Crossings to Pell Island are cancelled until divers have examined the hull, the operator said. Authorities said further details would be made public as their review continued.",
        ],
    ),
    dict(
        outlet="harbor-ledger",
        slug="ferry-runs-aground-near-gannet-point",
        story="gannet-point-ferry-grounding",
        title="Ferry runs aground near Gannet Point; island service halted",
        author="Clara Dunmore",
        published="2026-11-16T11:00:00Z",
        section="Region",
        paragraphs=[
            "A passenger ferry operated by Calder Sound Ferries went aground near Gannet Point on Sunday night, and the Island Wren spent hours stranded on the shoal.",
            "The boat was carrying 112 passengers, the operator said.",
            "Its skipper, Choi Min Jae, radioed for help moments after the boat stopped moving and told passengers to stay seated below deck.",
            "Four passengers were slightly hurt and were seen by medics on the pier.",
            "Howard Blye, general manager of Calder Sound Ferries, said the company would refund every ticket sold for the weekend's sailings and would write to each traveler this week.",
            "A chartered catamaran, the Seastar, will carry foot passengers on a reduced timetable beginning Wednesday, Blye added, though it cannot take cars or freight.",
            "Service between Carrow Bay and Pell Island is halted until the underside of the boat has been checked for damage.",
            "Officials said more information would be released once it was available.",
        ],
    ),
    dict(
        outlet="civic-observer",
        slug="stranded-ferry-leaves-pell-island-cut-off",
        story="gannet-point-ferry-grounding",
        title="Stranded ferry leaves Pell Island without its crossing",
        author="Rhea Dunleavy",
        published="2026-11-16T15:30:00Z",
        section="Community",
        paragraphs=[
            "The Island Wren, one of the vessels in the Calder Sound Ferries fleet, is out of service after it stuck fast on a sandbar by Gannet Point on Sunday evening.",
            "The Coast Guard said 121 passengers were on the boat.",
            "Its captain, Choi Min-jae, sent out a distress call and held the passengers in the cabin until rescuers came alongside.",
            "Four riders were hurt, none of them seriously, according to the paramedics who met the boat.",
            "Coast Guard Lieutenant Commander Ines Santos said investigators would study the vessel's navigation records and interview every member of the crew before deciding what went wrong.",
            "The Island Wren was built in 1998 and passed its most recent annual inspection in June, state records show.",
            "Until the ship's hull is cleared, nobody can travel by ferry between Carrow Bay and Pell Island, leaving islanders to wait for news.",
            "More details are expected in the coming days, officials said.",
        ],
    ),
    # ------------------------------------------------------------------
    # Story: garrick-tool-works-closure (2 outlets)
    # ------------------------------------------------------------------
    dict(
        outlet="northfield-courier",
        slug="garrick-tool-works-to-close-ferrier-road-plant",
        story="garrick-tool-works-closure",
        title="Garrick Tool Works to close Ferrier Road plant",
        author="Dorothy Ashby",
        published="2026-11-11T21:00:00Z",
        section="Local",
        paragraphs=[
            "Garrick Tool Works announced Wednesday that it will shut down its factory on Ferrier Road in Northfield.",
            "The shutdown will cost 230 workers their jobs.",
            "Production is to wind down gradually over the winter, with the last shift scheduled for March 31.",
            "The work will be moved to the company's bigger plant in Belwick, Ohio, where it has been adding assembly lines since last year.",
            "Local 418 of the United Machinists, which represents the shop floor, said it would press the company for severance pay and for help with health insurance.",
            "Amos Garrick opened the factory in 1961 to make drill bits for the quarries around Calder County, and his grandson still sits on the company's board.",
            "The company paid about $1.3 million in property taxes to Northfield last year, said city finance director Gloria Abend, who warned that the loss would be felt in the next city budget.",
            "The company did not immediately respond to further questions on Wednesday evening.",
        ],
    ),
    dict(
        outlet="valley-wire",
        slug="northfield-toolmaker-garrick-shutting-factory",
        story="garrick-tool-works-closure",
        title="Northfield toolmaker Garrick shutting its factory",
        author="Marisol Tan",
        published="2026-11-12T13:00:00Z",
        section="News",
        paragraphs=[
            "Northfield is losing one of its oldest manufacturers, after Garrick Tool Works said it is closing the plant it has run for decades on Ferrier Road.",
            "In all, 260 workers are losing their jobs, according to the notice the company filed with the state.",
            "The factory will stop making tools on March 31 of next year.",
            "Garrick plans to shift that output to a newer facility it owns in Belwick, Ohio.",
            "The machinists' union, Local 418, said it intends to negotiate severance terms and extended insurance coverage for its members before the doors close.",
            "Chief executive Philippa Greer wrote in a letter to staff that the Northfield building needed roof and wiring repairs the company could not justify paying for.",
            "The state labor department plans a job fair for the affected workers at Northfield Community College on December 8, with employers from across the region invited to take part.",
            "Officials said more details would be shared in the coming weeks.",
        ],
    ),
    # ------------------------------------------------------------------
    # Story: sutter-creek-derailment (3 outlets)
    # ------------------------------------------------------------------
    dict(
        outlet="valley-wire",
        slug="freight-train-derails-at-sutter-creek",
        story="sutter-creek-derailment",
        title="Freight train derails at Sutter Creek outside Millbrook",
        author="Ben Achterberg",
        published="2026-11-20T15:00:00Z",
        section="News",
        paragraphs=[
            "A Calder & Northern Railroad freight train jumped the tracks beside the Sutter Creek trestle outside Millbrook early Friday, scattering wagons along the embankment.",
            "Fourteen cars came off the rails, according to the railroad.",
            "State police shut Route 9 in both directions while crews worked at the scene, sending commuters onto narrow back roads.",
            "As a precaution, residents of 60 homes near the line were evacuated.",
            "One tanker loaded with liquid fertilizer sprang a leak, and workers spread absorbent booms around it to keep the spill from running downhill.",
            "The two-person crew, engineer Dale Pruitt and conductor Mina Farrell, walked away from the wreck without a scratch.",
            "The railroad brought in a pair of heavy cranes from Carrow Bay to lift the cars back onto the line, a job it expects to take through the weekend.",
            "Officials said the situation was being monitored closely and that residents would be told as soon as anything changed.",
        ],
    ),
    dict(
        outlet="civic-observer",
        slug="derailment-near-millbrook-forces-evacuations",
        story="sutter-creek-derailment",
        title="Derailment near Millbrook forces evacuations",
        author="Theo Lindgren",
        published="2026-11-20T18:45:00Z",
        section="Community",
        paragraphs=[
            "Friday began with a derailment for Millbrook, when a freight train belonging to the Calder and Northern Railroad came off the line close to the Sutter Creek bridge shortly after dawn.",
            "Officials counted 17 cars that had derailed.",
            "Route 9 was closed to traffic on both sides of the crash site, and motorists were asked to stay away from the area.",
            "People living in 60 houses nearby were told to leave until the area was declared safe.",
            "A car hauling fertilizer in liquid form was leaking, officials said, and cleanup crews were working to contain it.",
            "Millbrook Fire Chief Samuel Okoro said his crews had tested the air around the site every hour through the morning and had found no danger to the public.",
            "It is the railroad's second derailment in the county this year, after a grain train left the tracks near Ashcombe in April.",
            "Authorities said they would share more information as it became available.",
        ],
    ),
    dict(
        outlet="northfield-courier",
        slug="millbrook-neighbors-wait-after-train-leaves-tracks",
        story="sutter-creek-derailment",
        title="Millbrook neighbors wait it out after train leaves the tracks",
        author="Hollis Grant",
        published="2026-11-21T08:00:00Z",
        section="Region",
        paragraphs=[
            "Railroad crews spent Friday clearing wreckage after a Calder & Northern freight train derailed next to Sutter Creek, just outside Millbrook.",
            "The railroad said 14 cars went off the track.",
            "Drivers were detoured around a closed stretch of Route 9 for most of the day, and school buses took longer routes home.",
            "Households on 60 properties close to the tracks had to go elsewhere for the day as a safety measure, many of them to relatives in town.",
            "Fertilizer seeped from one of the damaged tank cars, the railroad confirmed, though it said the amount was being measured.",
            "\"It sounded like a building falling down,\" said Harold Beame, whose house on Kiln Road backs onto the line.",
            "The American Red Cross set up a warming center at Millbrook Middle School for evacuated families, serving soup and hot drinks into the evening.",
            "Further updates are expected later in the day, officials said.",
        ],
    ),
]

# Older headlines an outlet shows in "Previous/Next" and "Read next" on its
# 2025 pages (so that a 2025 page does not tease 2026 stories). These are
# links only; no such pages exist in the corpus.
ARCHIVE_TEASERS_2025 = {
    "northfield-courier": [
        ("Northfield school board delays vote on later start times", "school-board-delays-start-time-vote"),
        ("Leaf collection begins Monday on the east side", "leaf-collection-begins-east-side"),
        ("Northfield Library extends weekend hours through winter", "library-extends-weekend-hours"),
        ("Water main break closes part of Elm Street", "water-main-break-elm-street"),
        ("High school marching band heads to state finals", "marching-band-state-finals"),
    ],
    "valley-wire": [
        ("Millbrook approves new skate park near Quarry Lane", "millbrook-skate-park-approved"),
        ("County road crews prepare for first snow of the season", "road-crews-prepare-first-snow"),
        ("Ashcombe farmers market moves indoors for winter", "ashcombe-farmers-market-indoors"),
        ("Deer collisions rise as mating season peaks", "deer-collisions-rise"),
        ("Brennan Ridge trail reopens after summer storm damage", "brennan-ridge-trail-reopens"),
    ],
}

# The one page that is not an article: a section front of the Metro Daily
# Dispatch. Its list repeats the outlet's headlines with one-line blurbs.
SECTION_PAGE = dict(
    outlet="metro-daily-dispatch",
    slug="local-news-section",
    title="Local News",
    blurbs={
        "ashcombe-fire-cause-still-unknown": "Investigators look at electrical systems and forklift chargers.",
        "council-splits-over-free-bus-plan": "Chamber of Commerce warns about the cost of fare-free buses.",
        "strike-looms-at-calder-valley-medical-center": "Union says members are ready to walk out.",
        "mariners-beat-rovers-to-lift-tri-county-cup": "Eklund scores twice at Gull Park.",
        "meridale-hack-exposes-water-customers-bank-details": "What water customers should do now.",
        "adeyemi-enters-race-for-hartigan-seat": "Two-term commissioner is first to declare.",
    },
    extra_headlines=[
        "Snow plow drivers wanted: county raises hourly pay",
        "Gull Park parking lot to be repaved next spring",
        "Port Halden Library book sale returns this weekend",
        "Restaurant inspections: three downtown kitchens cited",
    ],
)
