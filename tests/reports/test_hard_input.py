"""Issue 16 item 5: what a crew types can never make a report impossible.

The ledger is append-only, so a report that fails on one entry fails for good. A name
with matplotlib math markup (``$\\frac{``), a typo in a refused attempt (``take-out
rev1``), right-to-left marks and texts at the schema's limit all print as typed, in
the daily and the incident report, as PDF and as HTML.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from tests.api.world import START, World, build_world

from showclear.protocol.schema import MAX_TEXT
from showclear.reports import day_files, incident_files, render_html, render_pdf
from showclear.reports.document import Document, Para, Section, Table
from showclear.reports.timeline import Band, Mark, Timeline, draw
from showclear.service import TRUSTED, FixedClock, MemoryKeyring, build_app

from .reading import pdf_text

DAY = START.date().isoformat()
MATH = r"$\frac{$ $x^$ $\foo$"


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    clock = FixedClock(START)
    db = tmp_path_factory.mktemp("hard-input") / "showclear.db"
    app = build_app(str(db), keyring=MemoryKeyring(), clock=clock)
    yield build_world(app, clock, "Dust Creek")
    app.close()


def _submit(world: World, **event: object) -> str:
    world.clock.set(world.clock.now() + timedelta(minutes=1))
    return world.app.submit(world.slug, dict(event), TRUSTED).outcome


@pytest.fixture(scope="module")
def recorded(world: World) -> World:
    """A weapon and a person named in math markup, a typo refused, a misfire reported."""
    assert (
        _submit(
            world,
            type="PersonRegistered",
            actor=None,
            person="mx",
            name=f"Mx {MATH}",
            roles=["crew"],
        )
        == "allowed"
    )
    assert (
        _submit(
            world,
            type="WeaponReceived",
            actor="ava",
            weapon="odd-1",
            serial=r"SN-$\alpha$",
            make=r"$\frac{",
            model="$x^",
            category="blank_firing",
            caliber=".45 Colt",
            chambers=6,
            action="revolver",
            storage="safe-1",
            personal=False,
        )
        == "allowed"
    )
    # The typo of the issue: no weapon rev1 exists; the attempt is refused and recorded.
    assert _submit(world, type="WeaponTakenOut", actor="ava", weapon="rev1", setup="12a-1") == (
        "refused"
    )
    # A refused attempt on the oddly named weapon: it gets a row in the figure.
    assert _submit(world, type="WeaponTakenOut", actor="mx", weapon="odd-1", setup="12a-1") == (
        "refused"
    )
    assert (
        _submit(
            world,
            type="IncidentReported",
            actor="pat",
            kind="misfire",
            description=f"odd-1 clicked {MATH}",
            weapon="odd-1",
        )
        == "warned"
    )
    return world


def test_a_refused_attempt_naming_no_weapon_leaves_the_day_report_possible(
    recorded: World,
) -> None:
    """`take-out rev1` (a typo) is refused; the day's report still renders and shows the
    attempt as it was named."""
    rendered = day_files(recorded.app, recorded.slug, DAY, pdf=True, html=True)
    assert rendered.pdf is not None and rendered.html is not None
    text = _flat(pdf_text(rendered.pdf))
    assert "CUS-INVENTORY" in text
    assert "rev1" in text
    assert "rev1" in rendered.html


def test_math_markup_in_names_prints_as_typed_in_the_day_report(recorded: World) -> None:
    rendered = day_files(recorded.app, recorded.slug, DAY, pdf=True, html=True)
    assert rendered.pdf is not None and rendered.html is not None
    text = _flat(pdf_text(rendered.pdf))
    assert r"SN-$\alpha$" in text  # the serial, in the closing inventory
    assert r"$\frac{ $x^" in text  # make and model
    assert "<svg" in rendered.html and r"$\frac{" in rendered.html


def test_math_markup_prints_as_typed_in_the_incident_report(recorded: World) -> None:
    rendered = incident_files(recorded.app, recorded.slug, 1, pdf=True, html=True)
    assert rendered.pdf is not None and rendered.html is not None
    text = _flat(pdf_text(rendered.pdf))
    assert f"odd-1 clicked {MATH}" in text


def test_the_figure_draws_math_markup_and_huge_labels_as_plain_text() -> None:
    """A 10 kB label with markup, RTL marks and a backslash draws; it is cut in the figure."""
    label = ("$\\foo$ \u202eabc\u200f " * 600)[:10_000]
    start = datetime(2026, 11, 25, 8, tzinfo=UTC)
    timeline = Timeline(
        start,
        start + timedelta(hours=2),
        [("w", label)],
        [Band("w", start, start + timedelta(hours=1), "p", label)],
        [Mark("w", start + timedelta(minutes=30), "refused")],
        label,
    )
    figure = draw(timeline)
    assert figure.png.startswith(b"\x89PNG")
    assert "$\\foo$" in figure.svg  # as text, not typeset
    assert len(figure.svg) < 400_000


# -- any text at all -------------------------------------------------------------------

#: Any character a JSON body can carry and the schema keeps (no C0 controls but tab,
#: line feed and carriage return; no lone surrogates), with markup and RTL marks likely.
_CHARS = st.characters(
    blacklist_categories=("Cs",),
    blacklist_characters=[chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)],
)
_TEXT = st.one_of(
    st.text(_CHARS, min_size=1, max_size=60),
    st.sampled_from([MATH, "\u200f\u202eשלום $x$\u202c", "\\", "$", "`code`", "<b>&amp;"]),
    st.builds(lambda s: (s * MAX_TEXT)[:MAX_TEXT], st.text(_CHARS, min_size=1, max_size=8)),
).filter(lambda s: bool(s.strip()))

_NUMBER = count(1)


def _last_incident(world: World) -> int:
    with world.app.forensics(world.slug) as f:
        meta = f.final.meta()
        assert meta is not None
        return int(meta["incidents"])


_FIELDS = (
    "name",
    "make",
    "serial",
    "description",
    "narrative",
    "statement",
    "witness",
    "injury",
    "concern",
)


#: Examples per Hypothesis test: a few in CI, 25 in the long campaign (SHOWCLEAR_CAMPAIGN=long).
_EXAMPLES = 25 if os.environ.get("SHOWCLEAR_CAMPAIGN") == "long" else 6


@pytest.mark.slow
# Each example adds to one ledger and renders both reports of a day that keeps growing:
# bounded, and a failure is reported as found (shrinking it would take many minutes).
@settings(
    max_examples=_EXAMPLES,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(texts=st.fixed_dictionaries(dict.fromkeys(_FIELDS, _TEXT)))
def test_any_text_in_any_free_text_field_still_renders_every_report(
    recorded: World, texts: dict[str, str]
) -> None:
    """Weapon and person names, serials, descriptions, narratives, statements, injuries
    and concerns of any Unicode: both reports render as PDF and HTML."""
    n = next(_NUMBER)
    world = recorded
    outcomes = [
        _submit(
            world,
            type="PersonRegistered",
            actor=None,
            person=f"p-{n}",
            name=texts["name"],
            roles=["armorer"],
        ),
        _submit(
            world,
            type="WeaponReceived",
            actor="ava",
            weapon=f"w-{n}",
            serial=texts["serial"],
            make=texts["make"],
            model=texts["name"],
            category="blank_firing",
            caliber=texts["make"],
            chambers=6,
            action="revolver",
            storage="safe-1",
            personal=False,
        ),
        # Refused (cease-fire, and no plan): its weapon gets a row in the figure.
        _submit(world, type="WeaponTakenOut", actor=f"p-{n}", weapon=f"w-{n}", setup="12a-1"),
        _submit(
            world,
            type="IncidentReported",
            actor=f"p-{n}",
            kind="injury",
            description=texts["description"],
            weapon=f"w-{n}",
        ),
    ]
    assert outcomes == ["allowed", "allowed", "refused", "warned"]
    incident = _last_incident(world)
    for extra in (
        {"type": "IncidentNarrativeAdded", "narrative": texts["narrative"]},
        {
            "type": "IncidentStatementAdded",
            "witness": texts["witness"],
            "statement": texts["statement"],
        },
        {"type": "IncidentInjuryRecorded", "person": f"p-{n}", "injury": texts["injury"]},
        {"type": "ConcernRaised", "text": texts["concern"], "anonymous": False, "stop_work": False},
    ):
        fields = {"incident": incident} if extra["type"] != "ConcernRaised" else {}
        assert _submit(world, actor="sam", **fields, **extra) in ("allowed", "warned")
    day = world.clock.now().date().isoformat()
    for rendered in (
        day_files(world.app, world.slug, day, pdf=True, html=True),
        incident_files(world.app, world.slug, incident, pdf=True, html=True),
    ):
        assert rendered.pdf is not None and rendered.pdf.startswith(b"%PDF-")
        assert rendered.html is not None and rendered.html.startswith("<!doctype html>")


@pytest.mark.slow
# Ten examples: each lays out some forty pages of a cell split row by row.
@settings(
    max_examples=max(2, _EXAMPLES // 2),
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
)
@given(text=st.text(_CHARS, min_size=1, max_size=50).map(lambda s: (s * 10_000)[:10_000]))
def test_ten_kilobytes_of_any_text_in_a_document_render(text: str) -> None:
    """Beyond the schema's limit too: 10 kB in a narrow table cell, a fact, a paragraph, the
    subtitle and the footer render as PDF (a cell taller than a page splits) and HTML."""
    document = Document(
        title="Daily firearms report",
        subtitle=text,
        facts=[("Production", text)],
        sections=[
            Section(
                "Section",
                [Para(text), Table(["Who", "What"], [[text, text], ["a", text]], [0.6, 7])],
            )
        ],
        footer=text,
    )
    assert render_pdf(document).startswith(b"%PDF-")
    assert render_html(document).startswith("<!doctype html>")
