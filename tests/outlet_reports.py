"""The Daily Planet: eight unrelated reports of one outlet, each ending in its standing note, for the
tests of boilerplate in the reuse stage and of what the stories stage makes of links later dropped."""

from __future__ import annotations

from storytrace.model import Article

# An outlet's standing note: one sentence word for word, three reworded in its second version.
NOTE = (
    "Editor’s note: This newspaper is owned by a trust that also holds shares in the Harbour Development Company, "
    "whose "
    "plans for the old docks, the marina and the new bridge across the estuary are often reported on our pages. "
)
NOTES = (
    NOTE + "The Planet has reported on the mayor’s private finances for many years. Mayor Grant has refused to answer "
    "any of our questions since his election in 2019. Readers can send their tips to our investigations desk.",
    NOTE + "For many years the Planet has covered the private finances of the mayor. Since his 2019 election, Mayor "
    "Grant has declined to respond to all of our questions. Tips may be sent by readers to the investigations desk.",
)
BODIES = (  # longer than the note, as real reports are: a standing line is a small part of an article
    "The river flooded the lower town on Monday after three days of rain. Firefighters rescued forty residents from "
    "their roofs. The water reached the railway station by noon. Farmers upstream lost most of the barley harvest. "
    "The mayor asked the army for pumps and sandbags. Schools in the valley stayed shut until Thursday. Engineers "
    "will inspect the old stone bridge once the level drops. "
    "Volunteers handed out blankets in the sports hall. The electricity company cut power to two hundred homes as a"
    " precaution. Insurance assessors arrived on Wednesday. The last flood of this size was in 1987. Residents want"
    " a new dyke before next winter.",
    "The city orchestra will tour Japan next spring with a programme of Sibelius and Nielsen. Tickets for the Tokyo "
    "concerts sold out within an hour. Rehearsals start in February. The principal cellist returns after a long "
    "injury. A young Finnish violinist joins as soloist for the concerto. The players voted for the repertoire in "
    "a secret ballot last autumn. "
    "The tour will also visit Osaka and Kyoto. The orchestra's last trip to Asia was fourteen years ago. A "
    "recording of the Nielsen symphonies is planned for the autumn. The city council pays a third of the costs. The"
    " conductor said the musicians had earned the journey.",
    "A new bakery opened on Harbour Street with bread baked in a wood oven. Queues formed before dawn on the first "
    "morning. The sourdough sold out by eight o'clock. The owners spent six years training in Lyon. Their flour "
    "comes from a mill two valleys away. Neighbours complained about the smoke until the chimney was raised. "
    "The bakery employs five people from the neighbourhood. Prices are higher than at the supermarket, the owners "
    "admit. A second oven will be installed in the spring. Cafés nearby have asked to buy bread for their "
    "breakfasts. The old shop had been empty for three years.",
    "The football club sacked its manager after seven straight defeats. Supporters had protested outside the stadium "
    "on Saturday. The assistant coach takes charge for the derby. Three defenders are injured and the goalkeeper is "
    "suspended. The chairman thanked the manager for winning promotion two seasons ago. The club sits second from "
    "bottom of the table. "
    "Ticket sales for the derby reached a record on Monday. The police will close the streets around the ground. "
    "The former manager has not commented on his departure. Several players posted messages thanking him. A new "
    "appointment is expected before the transfer window opens.",
    "Scientists at the university found a new species of beetle in the forest reserve. The insect is bright green and "
    "lives only on one kind of oak. Students spent two summers collecting samples. The discovery appears in a journal "
    "of entomology this month. The reserve may be extended to protect the remaining oaks. A museum will put the "
    "specimens on display in the spring. "
    "The beetle was named after the professor who first noticed it. Only forty individuals have been counted so "
    "far. Climate change threatens the oak trees in the reserve. The team hopes to find the species in other "
    "valleys. Local schools will take part in a survey next year.",
    "The airport will close its second runway for repairs during the summer. Airlines moved forty flights to the "
    "regional airfield. Travellers were told to arrive three hours early. The resurfacing has been delayed twice "
    "since 2019. Night flights will stop while the contractors work. Hotels near the terminal expect a quiet season. "
    "The runway was built in 1974 and last repaired in 1999. The regional airfield will add two temporary gates. "
    "Taxi drivers fear a summer without passengers. The airport company expects the work to finish in September. "
    "Cargo flights will keep using the main runway at night.",
    "The school board voted to replace the heating in six primary schools. The work will cost two million and start "
    "in April. Parents asked for temporary classrooms during the works. Two of the boilers date from the nineteen "
    "sixties. Teachers had reported classrooms below fifteen degrees in January. The board will borrow part of the "
    "money from the regional bank. "
    "Energy bills at the six schools rose by half last year. The new system uses heat pumps and solar panels. A "
    "local firm won the contract against four competitors. The work must end before the new school year in "
    "September. Parents' associations welcomed the decision.",
    "A fire destroyed the old cinema on Queen Street overnight. Nobody was inside when the roof collapsed. "
    "Investigators are looking at the electrical wiring of the projection room. The building had stood empty since "
    "the last film was shown in 2011. A developer had planned to turn it into flats. Neighbours were evacuated for "
    "several hours as the smoke spread. "
    "Firefighters fought the blaze for six hours. The facade, listed as a monument, partly survived. The owner said"
    " he would rebuild the cinema if the insurers pay. Film lovers laid flowers at the entrance on Sunday. The "
    "street stays closed while the walls are made safe.",
)


def planet_reports() -> list[Article]:
    """The eight reports, undated, alternating the two wordings of the note."""
    return [
        Article(id=f"dp{i}", text=f"{body}\n\n{NOTES[i % 2]}", source="Daily Planet") for i, body in enumerate(BODIES)
    ]
