"""The /settings card: digest time and timezone, targets, language, and when the next digest is."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.replies import esc
from experiments.domain import BUSINESS_NAMES
from experiments.workspaces import WorkspaceView

LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}


def settings_text(t: Translator, workspace: WorkspaceView, next_digest: datetime | None) -> str:
    """``next_digest`` comes from ``experiments.digests.next_digest_at``: what will happen."""
    _ = t.gettext
    zone = ZoneInfo(workspace.timezone)
    if workspace.digest_enabled:
        digest = _("{time}, every day").format(time=workspace.digest_time)
    else:
        digest = _("off")
    timezone = timezone_name = esc(workspace.timezone)
    if not workspace.timezone_confirmed:
        timezone += " " + _("(a guess: set yours)")
    lines = [
        "⚙️ <b>" + _("Settings") + "</b>",
        "",
        "🕘 " + _("Daily digest: {digest}").format(digest=digest),
        "🌍 " + _("Timezone: {zone}").format(zone=timezone),
        "🎯 " + _("Experiments to keep running: {count}").format(count=workspace.target_running),
        "💤 "
        + t.ngettext(
            "Remind me after {days} day without new results",
            "Remind me after {days} days without new results",
            workspace.stale_after_days,
        ).format(days=workspace.stale_after_days),
        "🏪 " + _("Business: {kind}").format(kind=_(BUSINESS_NAMES[workspace.business])),
        "🗣 " + _("Language: {language}").format(language=LANGUAGE_NAMES[workspace.language]),
        "💱 "
        + _("Currency: {name} ({code})").format(
            name=esc(t.currency_name(workspace.currency)), code=workspace.currency
        ),
    ]
    if next_digest is not None:
        when = t.datetime(next_digest, tzinfo=zone)
        lines += ["", _("Next digest: {when} ({zone}).").format(when=when, zone=timezone_name)]
    return "\n".join(lines)
