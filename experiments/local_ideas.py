"""Ideas for businesses people walk into or book: a shop or a café, and a service business.

The same lean-marketing rules as the rest of the catalog (``experiments.ideas``): a few days of
work, one change at a time, the hypothesis template, and each idea's metric a count the owner
can take at the till, from the map listing or from the booking book.
"""

from __future__ import annotations

from experiments.domain import N_, Kind, Msg, Stage

IdeaText = tuple[Kind, Msg, Msg]

_AB, _MVP, _ADVOCACY = Kind.AB_TEST, Kind.MVP_CAMPAIGN, Kind.ADVOCACY


SHOP_IDEAS: dict[Stage, tuple[IdeaText, ...]] = {
    Stage.KNOW: (
        (
            _MVP,
            N_("Chalkboard on the pavement with today's special"),
            N_(
                "We believe a chalkboard on the pavement with today's special, for people walking"
                " past, will bring in more first-time guests, measured by new guests per day."
            ),
        ),
        (
            _MVP,
            N_("Leaflets with a coupon in the offices nearby"),
            N_(
                "We believe leaflets with a coffee coupon handed out in the offices nearby will "
                "bring office workers in, measured by coupons redeemed per leaflet."
            ),
        ),
        (
            _AB,
            N_("Map listing photo: the best dish vs. the storefront"),
            N_(
                "We believe our best dish instead of the storefront as the main photo of our map "
                "listing, for people searching nearby, will bring more visits, measured by routes"
                " built per listing view."
            ),
        ),
        (
            _MVP,
            N_("A tasting table at the Saturday market"),
            N_(
                "We believe a tasting table at the Saturday market, for local shoppers, will make"
                " new people know us, measured by new guests who bring the tasting card."
            ),
        ),
        (
            _ADVOCACY,
            N_("Local bloggers come for a free tasting"),
            N_(
                "We believe inviting three local bloggers to a free tasting, for their followers "
                "nearby, will bring new guests, measured by guests who say the blogger's code "
                "word."
            ),
        ),
    ),
    Stage.LIKE: (
        (
            _AB,
            N_("Posts from behind the counter vs. product photos"),
            N_(
                "We believe posts showing the kitchen and the team at work, instead of product "
                "photos, for our followers, will get more of them engaged, measured by comments "
                "and saves per post."
            ),
        ),
        (
            _MVP,
            N_("A free cookie for following our page"),
            N_(
                "We believe a free cookie at the till for following our page, for guests paying, "
                "will grow the number of people we can reach again, measured by new followers per"
                " day."
            ),
        ),
        (
            _AB,
            N_("Shop window: a seasonal display vs. the everyday one"),
            N_(
                "We believe a seasonal window display instead of the everyday one, for passers-"
                "by, will draw more of them inside, measured by people who come in per passer-by "
                "at lunchtime."
            ),
        ),
        (
            _MVP,
            N_("A weekly message about what's fresh"),
            N_(
                "We believe a short weekly message about what's fresh, for our subscribers, will "
                "keep them interested, measured by replies and visits per message."
            ),
        ),
        (
            _MVP,
            N_("A free latte-art evening for neighbours"),
            N_(
                "We believe a free latte-art evening, for curious neighbours, will make the place"
                " feel like theirs, measured by sign-ups per invitation."
            ),
        ),
    ),
    Stage.TRUST: (
        (
            _AB,
            N_("Guests' reviews on a board by the door"),
            N_(
                "We believe a board with real guests' reviews by the door, for first-time "
                "visitors, will make more of them come in and order, measured by orders per "
                "visitor."
            ),
        ),
        (
            _MVP,
            N_("Morning baking in sight of the street"),
            N_(
                "We believe baking in the morning where passers-by can see it, for people on "
                "their way to work, will prove our pastries are fresh, measured by morning "
                "purchases per day."
            ),
        ),
        (
            _AB,
            N_("Price tags that say where the beans and flour come from"),
            N_(
                "We believe price tags that say where the beans and the flour come from, for "
                "guests choosing, will lift sales of those items, measured by those items sold "
                "per guest."
            ),
        ),
        (
            _MVP,
            N_("A reply to every map review within a day"),
            N_(
                "We believe replying to every review on the map within a day, for people reading "
                "the reviews, will make more of them come, measured by routes built per listing "
                "view."
            ),
        ),
        (
            _ADVOCACY,
            N_("A wall of regulars' photos and their words"),
            N_(
                "We believe a wall with photos of our regulars and a line from each, for "
                "newcomers, will show that locals love the place, measured by orders per first-"
                "time visitor."
            ),
        ),
    ),
    Stage.TRY: (
        (
            _AB,
            N_("A free taste at the counter vs. none"),
            N_(
                "We believe a free taste of the day's special at the counter, for undecided "
                "guests, will lift orders of it, measured by orders of the special per guest."
            ),
        ),
        (
            _MVP,
            N_("A mini size of the bestseller at a low price"),
            N_(
                "We believe a mini size of our bestseller at a low price, for first-time guests, "
                "will get more of them to try it, measured by mini sizes sold per new guest."
            ),
        ),
        (
            _AB,
            N_("First-visit coupon: a free cookie vs. a discount"),
            N_(
                "We believe a free cookie instead of a discount on the first visit, for people "
                "who got our coupon, will bring more of them in, measured by coupons redeemed per"
                " coupon handed out."
            ),
        ),
        (
            _MVP,
            N_("A tasting box with three bestsellers"),
            N_(
                "We believe a box with three of our bestsellers, for guests who don't know what "
                "to choose, will get them to try more, measured by boxes sold per new guest."
            ),
        ),
        (
            _AB,
            N_("Three picks at the top of the menu board"),
            N_(
                "We believe three recommended items at the top of the menu board, for first-time "
                "guests, will make choosing easier, measured by orders per guest who comes in."
            ),
        ),
    ),
    Stage.BUY: (
        (
            _AB,
            N_("A coffee-and-pastry combo at the till"),
            N_(
                "We believe offering a coffee-and-pastry combo at the till, for guests ordering "
                "coffee, will lift the average bill, measured by combos sold per order."
            ),
        ),
        (
            _MVP,
            N_("Pre-orders by message, ready for pickup"),
            N_(
                "We believe taking pre-orders by message for pickup, for busy office workers, "
                "will bring extra purchases, measured by pre-orders per day."
            ),
        ),
        (
            _AB,
            N_("A shelf of small treats by the till vs. none"),
            N_(
                "We believe a shelf of small treats by the till, for guests waiting to pay, will "
                "lift add-on purchases, measured by add-ons per order."
            ),
        ),
        (
            _AB,
            N_("The barista asks: “Anything sweet with it?”"),
            N_(
                "We believe the barista asking “anything sweet with it?” on every order, for "
                "guests at the till, will lift pastry sales, measured by pastries per coffee "
                "order."
            ),
        ),
        (
            _MVP,
            N_("A lunch deal from noon to three"),
            N_(
                "We believe a fixed-price lunch from noon to three, for office workers nearby, "
                "will bring more purchases at lunchtime, measured by lunches sold per day."
            ),
        ),
    ),
    Stage.REPEAT: (
        (
            _MVP,
            N_("Stamp card: the sixth coffee free"),
            N_(
                "We believe a stamp card with the sixth coffee free, for first-time guests, will "
                "bring them back, measured by guests back within two weeks per card handed out."
            ),
        ),
        (
            _AB,
            N_("A coupon for next week on the receipt"),
            N_(
                "We believe a coupon for next week printed on the receipt, for every guest, will "
                "bring them back sooner, measured by coupons redeemed per receipt."
            ),
        ),
        (
            _MVP,
            N_("Greeting regulars by name with “the usual?”"),
            N_(
                "We believe greeting regulars by name and offering “the usual?”, for returning "
                "guests, will make them come more often, measured by visits per regular per "
                "month."
            ),
        ),
        (
            _MVP,
            N_("A message when their favourite is back"),
            N_(
                "We believe a message when their favourite item is back, for guests who asked for"
                " it, will bring them in, measured by visits per message."
            ),
        ),
        (
            _MVP,
            N_("A monthly tasting of new items for regulars"),
            N_(
                "We believe a monthly evening where regulars taste new items first will keep them"
                " coming back, measured by guests who return within a month per guest invited."
            ),
        ),
    ),
    Stage.REFER: (
        (
            _AB,
            N_("Bring a friend: the second coffee free"),
            N_(
                "We believe a “bring a friend, the second coffee is free” offer, for our "
                "regulars, will bring new guests, measured by friends brought per regular."
            ),
        ),
        (
            _MVP,
            N_("Gift cards at the till"),
            N_(
                "We believe gift cards sold at the till, for guests who love us, will bring their"
                " friends as new guests, measured by gift cards used by new guests per month."
            ),
        ),
        (
            _ADVOCACY,
            N_("A photo spot with our sign in the frame"),
            N_(
                "We believe a cosy photo spot with our sign in the frame, for guests who post "
                "photos, will show us to their friends, measured by tagged posts per week."
            ),
        ),
        (
            _AB,
            N_("A QR code on the table for a map review"),
            N_(
                "We believe a QR code on each table that opens our map review, for guests "
                "finishing their meal, will bring more reviews, measured by reviews per hundred "
                "guests."
            ),
        ),
        (
            _ADVOCACY,
            N_("Regulars tell their story in our posts"),
            N_(
                "We believe a weekly post where a regular tells why they come, which they share, "
                "will bring their friends in, measured by new guests who mention the post."
            ),
        ),
    ),
}

SERVICE_IDEAS: dict[Stage, tuple[IdeaText, ...]] = {
    Stage.KNOW: (
        (
            _MVP,
            N_("A free talk at the local business club"),
            N_(
                "We believe a free 20-minute talk at the local business club, for owners who may "
                "need us, will make new people know us, measured by contacts collected per talk."
            ),
        ),
        (
            _AB,
            N_("Map listing photo: the team at work vs. the office"),
            N_(
                "We believe a photo of the team at work, instead of the office, on our map "
                "listing, for people searching nearby, will bring more enquiries, measured by "
                "calls per listing view."
            ),
        ),
        (
            _MVP,
            N_("Swap flyers with a neighbouring business"),
            N_(
                "We believe swapping flyers with a business that serves the same clients (a "
                "florist for a photographer), for its customers, will bring us new prospects, "
                "measured by enquiries that name the partner."
            ),
        ),
        (
            _MVP,
            N_("Answer questions in the local community chat"),
            N_(
                "We believe answering questions about our trade in the local community chat every"
                " week, for its members, will make people know us, measured by private messages "
                "per week."
            ),
        ),
        (
            _AB,
            N_("Ad text: the result vs. the name of the service"),
            N_(
                "We believe an ad that names the result (“tax return done in a day”) instead of "
                "the service (“accounting”), for people searching, will get more clicks, measured"
                " by clicks per ad view."
            ),
        ),
    ),
    Stage.LIKE: (
        (
            _MVP,
            N_("One useful tip a week in our channel"),
            N_(
                "We believe one practical tip a week in our channel, for prospects, will keep "
                "them interested, measured by new subscribers per post."
            ),
        ),
        (
            _AB,
            N_("Before-and-after photos vs. the price list first"),
            N_(
                "We believe before-and-after photos of our work, instead of the price list, at "
                "the top of our page, for visitors, will make them stay and write, measured by "
                "messages per page visitor."
            ),
        ),
        (
            _MVP,
            N_("A free checklist for a common problem"),
            N_(
                "We believe a one-page checklist (“what to prepare for your tax return”), for "
                "prospects, will get them to leave a contact, measured by downloads per visitor."
            ),
        ),
        (
            _AB,
            N_("A 30-second video of the owner vs. a block of text"),
            N_(
                "We believe a 30-second video where the owner introduces the service, instead of "
                "a block of text, for page visitors, will make them feel they know us, measured "
                "by enquiries per visitor."
            ),
        ),
        (
            _MVP,
            N_("An open Q&A hour online once a month"),
            N_(
                "We believe a free online hour of questions and answers once a month, for "
                "prospects, will make them like us, measured by attendees per invitation."
            ),
        ),
    ),
    Stage.TRUST: (
        (
            _AB,
            N_("Reviews with names and photos on the booking page"),
            N_(
                "We believe three reviews with the client's name and photo on the booking page, "
                "for hesitating visitors, will lift bookings, measured by bookings per page "
                "visitor."
            ),
        ),
        (
            _MVP,
            N_("One client's story: the problem and the result"),
            N_(
                "We believe a short story of one client's problem and how we solved it, sent to "
                "prospects, will build trust, measured by replies per message sent."
            ),
        ),
        (
            _AB,
            N_("Prices in the open vs. “price on request”"),
            N_(
                "We believe showing our prices instead of “price on request”, for visitors "
                "comparing offers, will lift enquiries, measured by enquiries per visitor."
            ),
        ),
        (
            _AB,
            N_("A guarantee: we redo it for free"),
            N_(
                "We believe promising to redo the work for free if the client isn't happy, for "
                "first-time clients, will lift bookings, measured by bookings per enquiry."
            ),
        ),
        (
            _ADVOCACY,
            N_("Ask each happy client for a map review"),
            N_(
                "We believe asking every client who thanks us for a review on the map the same "
                "day will give prospects more proof, measured by reviews per request."
            ),
        ),
    ),
    Stage.TRY: (
        (
            _MVP,
            N_("A free 15-minute consultation"),
            N_(
                "We believe a free 15-minute consultation, for prospects who hesitate, will get "
                "more of them to take the first step, measured by consultations booked per "
                "enquiry."
            ),
        ),
        (
            _AB,
            N_("An online booking button vs. “call us”"),
            N_(
                "We believe an online booking button instead of “call us”, for visitors ready to "
                "try, will lift first bookings, measured by bookings per visitor."
            ),
        ),
        (
            _MVP,
            N_("A short first session at a lower price"),
            N_(
                "We believe a short first session (30 minutes) at a lower price, for new clients,"
                " will get more first bookings, measured by bookings per offer sent."
            ),
        ),
        (
            _AB,
            N_("Answer enquiries within an hour vs. the same day"),
            N_(
                "We believe answering every enquiry within an hour, instead of by the end of the "
                "day, for new prospects, will turn more enquiries into first visits, measured by "
                "first visits per enquiry."
            ),
        ),
        (
            _AB,
            N_("A booking form with a name and a phone only"),
            N_(
                "We believe a booking form with only a name and a phone, instead of six fields, "
                "for visitors ready to book, will lift completed bookings, measured by bookings "
                "per form view."
            ),
        ),
    ),
    Stage.BUY: (
        (
            _AB,
            N_("Three packages, the middle one marked “most chosen”"),
            N_(
                "We believe three packages with the middle one marked “most chosen”, for clients "
                "after a first visit, will lift purchases, measured by packages sold per offer."
            ),
        ),
        (
            _MVP,
            N_("A written proposal on the day of the consultation"),
            N_(
                "We believe a short written proposal with the price sent on the day of the "
                "consultation, for prospects, will lift sales, measured by signed deals per "
                "consultation."
            ),
        ),
        (
            _AB,
            N_("Pay in two parts vs. all upfront"),
            N_(
                "We believe paying in two parts instead of all upfront, for clients of larger "
                "jobs, will lift purchases, measured by purchases per proposal."
            ),
        ),
        (
            _MVP,
            N_("A follow-up call two days after the proposal"),
            N_(
                "We believe a short call two days after sending a proposal, for prospects who "
                "haven't answered, will turn more proposals into sales, measured by sales per "
                "proposal."
            ),
        ),
        (
            _AB,
            N_("An offer valid for seven days vs. open-ended"),
            N_(
                "We believe an offer valid for seven days, instead of an open-ended one, for "
                "clients deciding, will lift purchases, measured by purchases per offer."
            ),
        ),
    ),
    Stage.REPEAT: (
        (
            _AB,
            N_("Book the next visit before leaving"),
            N_(
                "We believe offering to book the next visit before the client leaves, instead of "
                "“call us when you need”, will bring more clients back, measured by repeat "
                "bookings per visit."
            ),
        ),
        (
            _MVP,
            N_("A reminder when it's time again"),
            N_(
                "We believe a friendly reminder when the service is due again (a haircut after "
                "five weeks), for past clients, will bring them back, measured by bookings per "
                "reminder."
            ),
        ),
        (
            _MVP,
            N_("A pass: four visits for the price of three"),
            N_(
                "We believe a pass of four visits for the price of three, for regular clients, "
                "will make them come more often, measured by passes sold per regular client."
            ),
        ),
        (
            _MVP,
            N_("A check-in call a month after the job"),
            N_(
                "We believe a short call a month after the job, asking how it's going, for past "
                "clients, will bring more repeat orders, measured by repeat orders per call."
            ),
        ),
        (
            _AB,
            N_("A personal thank-you after the visit vs. none"),
            N_(
                "We believe a personal thank-you message after each visit, for new clients, will "
                "bring them back, measured by second bookings per new client."
            ),
        ),
    ),
    Stage.REFER: (
        (
            _AB,
            N_("Referral: a discount for both vs. none"),
            N_(
                "We believe a discount for both the client and the friend they bring, instead of "
                "no reward, will lift referrals, measured by referrals per client."
            ),
        ),
        (
            _MVP,
            N_("Three cards with a gift for friends after a good job"),
            N_(
                "We believe three cards with a gift for a friend, for each happy client, will "
                "bring new clients, measured by cards used per card handed out."
            ),
        ),
        (
            _MVP,
            N_("Recommend each other with three partners"),
            N_(
                "We believe agreeing with three partner businesses to recommend each other, for "
                "their clients, will bring us new clients, measured by enquiries from partners "
                "per month."
            ),
        ),
        (
            _ADVOCACY,
            N_("Clients' stories in our channel, shared by them"),
            N_(
                "We believe a series of short stories by happy clients, posted in our channel and"
                " shared by them, will bring their friends, measured by enquiries per story."
            ),
        ),
        (
            _AB,
            N_("Ask for a referral right after the client says thanks"),
            N_(
                "We believe asking for a referral at the moment a client thanks us, instead of at"
                " the end of the month, will lift referrals, measured by referrals per request."
            ),
        ),
    ),
}
