"""A catalog of small, cheap experiment ideas per hourglass stage, and starting one of them.

Lean marketing: lead with an MVP campaign, test one change at a time, let happy customers tell
the story (advocacy). Every idea is a few days of work for a small business, not a project.
Titles fit an experiment's name (80 characters); hypotheses follow the template
"We believe <change> for <who> will <effect>, measured by <metric>."
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from db.unit_of_work import UnitOfWork
from experiments import services
from experiments.clock import Clock, utc_now
from experiments.domain import (
    N_,
    Author,
    Business,
    InvalidInput,
    Kind,
    Msg,
    Stage,
    Status,
)
from experiments.funnel import latest_funnel
from experiments.local_ideas import SERVICE_IDEAS, SHOP_IDEAS, IdeaText
from experiments.services import require_workspace


@dataclass(frozen=True)
class Idea:
    stage: Stage
    kind: Kind
    title: Msg
    hypothesis: Msg


@dataclass(frozen=True)
class StageIdeas:
    """The ideas for one stage (the constraint's, with its rate) and the workspace's business."""

    stage: Stage
    constraint_rate: float | None
    ideas: tuple[Idea, ...]
    business: Business = Business.ALL


_AB, _MVP, _ADVOCACY = Kind.AB_TEST, Kind.MVP_CAMPAIGN, Kind.ADVOCACY

# Ideas for an online product: visitors, sign-ups, trials and checkouts on a site.
_CATALOG: dict[Stage, tuple[IdeaText, ...]] = {
    Stage.KNOW: (
        (
            _MVP,
            N_("Guest article in a partner's newsletter"),
            N_(
                "We believe one guest article in the newsletter of a business that serves "
                "the same customers will bring us new visitors, measured by visits from its "
                "tracked link per newsletter reader."
            ),
        ),
        (
            _AB,
            N_("Ad headline: the customer's problem vs. our product"),
            N_(
                "We believe an ad headline that names the customer's problem, instead of our "
                "product, for people who have never heard of us will lift clicks, measured by "
                "the ad's click-through rate."
            ),
        ),
        (
            _MVP,
            N_("Free one-hour workshop for local prospects"),
            N_(
                "We believe a free one-hour workshop on a problem we solve, for local "
                "prospects, will make new people know us, measured by sign-ups per invitation."
            ),
        ),
        (
            _ADVOCACY,
            N_("Three happy customers post their story"),
            N_(
                "We believe asking three happy customers to post their story with us for "
                "their followers will bring new visitors, measured by visits from their posts."
            ),
        ),
        (
            _AB,
            N_("Same small budget: search ads vs. social ads"),
            N_(
                "We believe spending the same small budget on search ads instead of social "
                "ads, for people already looking for a solution, will bring more first "
                "visits, measured by visitors per ad impression."
            ),
        ),
    ),
    Stage.LIKE: (
        (
            _AB,
            N_("Free checklist in exchange for an email"),
            N_(
                "We believe offering a free one-page checklist to first-time visitors will "
                "lift email sign-ups, measured by sign-ups per visitor."
            ),
        ),
        (
            _AB,
            N_("Founder's photo and story on the homepage"),
            N_(
                "We believe showing the founder's face and a short story on the homepage, "
                "for first-time visitors, will make more of them stay in touch, measured by "
                "newsletter sign-ups per visitor."
            ),
        ),
        (
            _AB,
            N_("60-second explainer video on the landing page"),
            N_(
                "We believe a 60-second explainer video for landing-page visitors will lift "
                "sign-ups, measured by sign-ups per visitor."
            ),
        ),
        (
            _MVP,
            N_("A short weekly tips email"),
            N_(
                "We believe a short weekly email with one useful tip, for new subscribers, "
                "will keep them interested, measured by opens per email sent."
            ),
        ),
        (
            _AB,
            N_("Welcome email: a personal note vs. the template"),
            N_(
                "We believe a plain personal welcome note from the founder, instead of the "
                "designed template, for new subscribers will get more replies and clicks, "
                "measured by clicks per welcome email."
            ),
        ),
    ),
    Stage.TRUST: (
        (
            _AB,
            N_("Customer testimonials on the pricing page"),
            N_(
                "We believe three short customer testimonials on the pricing page, for "
                "visitors comparing plans, will lift sign-ups, measured by sign-ups per "
                "pricing-page visitor."
            ),
        ),
        (
            _MVP,
            N_("A case study email to subscribers who haven't bought"),
            N_(
                "We believe one detailed case study of a customer like them, emailed to "
                "subscribers who haven't bought, will build trust, measured by clicks to the "
                "pricing page per email."
            ),
        ),
        (
            _AB,
            N_("Money-back guarantee badge next to the buy button"),
            N_(
                "We believe a visible money-back guarantee next to the buy button, for "
                "hesitant visitors, will lift first orders, measured by orders per visitor."
            ),
        ),
        (
            _AB,
            N_("Star rating and review count near the call to action"),
            N_(
                "We believe showing our star rating and review count near the call to action, "
                "for new visitors, will lift clicks on it, measured by clicks per visitor."
            ),
        ),
        (
            _ADVOCACY,
            N_("Ask every new customer for a review after a week"),
            N_(
                "We believe asking each new customer for a review one week after buying will "
                "give prospects more proof, measured by reviews written per request."
            ),
        ),
    ),
    Stage.TRY: (
        (
            _AB,
            N_("Free trial without a credit card"),
            N_(
                "We believe removing the credit-card step from the trial sign-up, for "
                "interested visitors, will lift trial starts, measured by trials per visitor."
            ),
        ),
        (
            _MVP,
            N_("A small, low-priced starter package"),
            N_(
                "We believe a small starter package at a low price, for prospects who hesitate "
                "to commit, will get more first orders, measured by orders per offer sent."
            ),
        ),
        (
            _AB,
            N_("Book a demo in one click instead of a contact form"),
            N_(
                "We believe a calendar booking link instead of a contact form, for "
                "interested visitors, will lift demo bookings, measured by bookings per visitor."
            ),
        ),
        (
            _AB,
            N_("A shorter sign-up form: three fields instead of seven"),
            N_(
                "We believe a sign-up form with three fields instead of seven, for visitors "
                "ready to try, will lift completed sign-ups, measured by sign-ups per form view."
            ),
        ),
        (
            _MVP,
            N_("Free sample with the first inquiry"),
            N_(
                "We believe sending a free sample to everyone who inquires will turn more "
                "inquiries into trials, measured by trials per inquiry."
            ),
        ),
    ),
    Stage.BUY: (
        (
            _AB,
            N_("Three plans with the middle one recommended"),
            N_(
                "We believe three plans with the middle one marked as recommended, for "
                "visitors on the pricing page, will lift purchases, measured by purchases per "
                "pricing-page visitor."
            ),
        ),
        (
            _AB,
            N_("Reminder two days before the trial ends"),
            N_(
                "We believe a friendly reminder two days before the trial ends, for trial "
                "users, will lift upgrades, measured by paid upgrades per trial."
            ),
        ),
        (
            _MVP,
            N_("A ten-minute call from the founder to active trial users"),
            N_(
                "We believe a ten-minute call from the founder, for trial users who used the "
                "product twice, will lift purchases, measured by purchases per call offered."
            ),
        ),
        (
            _AB,
            N_("Annual plan with two months free"),
            N_(
                "We believe an annual plan with two months free, for customers choosing a "
                "plan, will lift purchases, measured by purchases per checkout visit."
            ),
        ),
        (
            _AB,
            N_("Abandoned-cart email with a one-click return"),
            N_(
                "We believe an email with a one-click link back to the cart, for shoppers who "
                "left it, will recover purchases, measured by purchases per email sent."
            ),
        ),
    ),
    Stage.REPEAT: (
        (
            _AB,
            N_("Thank-you email with a reorder link"),
            N_(
                "We believe a thank-you email with a one-click reorder link, for first-time "
                "customers, will lift second orders, measured by repeat orders per customer."
            ),
        ),
        (
            _MVP,
            N_("Loyalty card: the tenth order free"),
            N_(
                "We believe a simple loyalty card with the tenth order free, for regular "
                "customers, will bring them back more often, measured by repeat orders per "
                "card holder."
            ),
        ),
        (
            _AB,
            N_("“Subscribe and save” option at checkout"),
            N_(
                "We believe a subscribe-and-save option at checkout, for customers of "
                "consumables, will lift repeat purchases, measured by subscriptions per order."
            ),
        ),
        (
            _AB,
            N_("Check-in email 30 days after the purchase"),
            N_(
                "We believe a personal check-in email 30 days after the purchase, for new "
                "customers, will bring them back, measured by second purchases per email."
            ),
        ),
        (
            _MVP,
            N_("Early access to new products for customers only"),
            N_(
                "We believe early access to new products, offered only to past customers, "
                "will bring them back, measured by orders per invitation."
            ),
        ),
    ),
    Stage.REFER: (
        (
            _AB,
            N_("Referral reward: a discount for both friends vs. none"),
            N_(
                "We believe a discount for both the customer and the friend they refer, "
                "instead of no reward, will lift referrals, measured by referrals per customer."
            ),
        ),
        (
            _AB,
            N_("A “share with a friend” prompt after the purchase"),
            N_(
                "We believe a share-with-a-friend prompt right after the purchase, for new "
                "customers, will lift referrals, measured by shares per purchase."
            ),
        ),
        (
            _ADVOCACY,
            N_("Advocacy storyline: a customer story series"),
            N_(
                "We believe a series of short stories told by our customers, which they share "
                "with their friends, will bring referred visitors, measured by visits from "
                "their shares per story."
            ),
        ),
        (
            _AB,
            N_("Ask for a referral at the happiest moment"),
            N_(
                "We believe asking customers who rate us 9 or 10 to refer a friend right "
                "after their rating will lift referrals, measured by referrals per request."
            ),
        ),
        (
            _MVP,
            N_("Bring-a-friend evening for customers"),
            N_(
                "We believe a bring-a-friend evening for our customers will turn their "
                "friends into prospects, measured by friends who sign up per guest."
            ),
        ),
    ),
}


_CATALOGS: dict[Business, dict[Stage, tuple[IdeaText, ...]]] = {
    Business.SHOP: SHOP_IDEAS,
    Business.SERVICE: SERVICE_IDEAS,
    Business.ONLINE: _CATALOG,
}
# A workspace that has not said its kind of business sees this many ideas of each kind.
MIXED_IDEAS_PER_KIND = 2


def ideas_for(stage: Stage, business: Business = Business.ALL) -> tuple[Idea, ...]:
    """The catalog's ideas for one stage and kind of business, in a fixed order (buttons refer
    to them by index); for all kinds, the first few of each: online, shop, service."""
    if business is Business.ALL:
        return tuple(
            idea
            for kind in (Business.ONLINE, Business.SHOP, Business.SERVICE)
            for idea in ideas_for(stage, kind)[:MIXED_IDEAS_PER_KIND]
        )
    return tuple(
        Idea(stage, kind, title, hypothesis)
        for kind, title, hypothesis in _CATALOGS[business][stage]
    )


def idea_at(stage: Stage, index: int, business: Business = Business.ALL) -> Idea:
    ideas = ideas_for(stage, business)
    if not 0 <= index < len(ideas):
        raise InvalidInput(N_("That idea is not in the catalog any more; /ideas shows the list."))
    return ideas[index]


async def ideas_for_constraint(uow: UnitOfWork, chat_id: int) -> StageIdeas | None:
    """Ideas for the constraint of the latest funnel, for the workspace's kind of business;
    None without a funnel or a constraint."""
    funnel = await latest_funnel(uow, chat_id)
    if funnel is None or funnel.constraint is None:
        return None
    business = await business_of(uow, chat_id)
    return StageIdeas(
        funnel.constraint,
        funnel.constraint_rate,
        ideas_for(funnel.constraint, business),
        business,
    )


async def ideas_at_stage(uow: UnitOfWork, chat_id: int, stage: Stage) -> StageIdeas:
    """Ideas for a stage the founder chose, for the workspace's kind of business."""
    business = await business_of(uow, chat_id)
    return StageIdeas(stage, None, ideas_for(stage, business), business)


async def business_of(uow: UnitOfWork, chat_id: int) -> Business:
    async with uow:
        return Business((await require_workspace(uow, chat_id)).business)


async def start_idea(
    uow: UnitOfWork,
    chat_id: int,
    stage: Stage,
    index: int,
    *,
    author: Author,
    translate: Callable[[str], str],
    business: Business = Business.ALL,
    clock: Clock = utc_now,
) -> services.ExperimentSummary:
    """Creates a draft from an idea, named and worded in the chat's language; it comes back as
    /show shows it.

    A draft can be edited before it starts; it starts with its first result (or by hand).
    """
    idea = idea_at(stage, index, business)
    return await services.create_experiment_summary(
        uow,
        chat_id,
        translate(idea.title),
        author=author,
        kind=idea.kind,
        stage=idea.stage,
        hypothesis=translate(idea.hypothesis),
        status=Status.DRAFT,
        clock=clock,
    )
