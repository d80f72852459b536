"""The shape of the package: no import cycles, and no import that runs up the layers.

The import graph of ``src/showclear`` is read with :mod:`ast` (imports inside
functions and under ``TYPE_CHECKING`` count: they are dependencies all the same), and
held to the layers below, lowest first (README.md, "Layout"). A module may import
from its own package and from any lower layer; packages side by side in one layer
may not import each other, except where :data:`ALLOWED_ACROSS` says so.

How an import becomes an edge, as Python runs it:

- ``import a.b`` and ``from a.b import name`` depend on module ``a.b``;
- ``from a import b``, where ``a.b`` is a module, depends on ``a.b`` alone (``a``'s
  ``__init__`` runs first for every import of a submodule, whatever its form);
- the root package ``showclear`` runs before any of its modules, and only re-exports
  (and names the version), so imports of it are no edges, and it may import anything.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

ROOT = "showclear"
SRC = Path(__file__).resolve().parent.parent / "src" / ROOT

#: The layers, lowest first. A package of the project not listed here fails the test:
#: a new package says where it stands.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "times"),  # base: the error root (and a pure time module, if there is one)
    ("ledger", "protocol"),  # pure cores: Merkle tree, checkpoints; events, fold, rules
    ("store", "tls"),  # SQLite and PostgreSQL; the set's certificate files (serve --tls)
    ("bundle",),  # offline proof bundles
    ("commands",),  # typed commands, for the CLI, the API and the web alike
    ("service",),  # commands and queries, one transaction each
    ("reports", "scenarios", "demo"),  # reads and replays over the service
    ("limits",),  # what a client may send: body sizes, JSON shape, commands a minute
    ("http",),  # request plumbing the API and the web share
    ("api", "web"),  # JSON and pages: never each other
    ("server", "witness"),  # the one ASGI application; a C2SP witness beside it
    ("cli",),  # the command line, serving included
)

#: Imports between packages of one layer that are allowed (importer, imported).
ALLOWED_ACROSS: frozenset[tuple[str, str]] = frozenset(
    {
        ("protocol", "ledger"),  # events are canonical JSON; the ledger knows no events
        ("demo", "scenarios"),  # the demo day is a scenario the runner replays
    }
)


def module_files(src: Path, root: str = ROOT) -> dict[str, Path]:
    """Every module under ``src`` (the package ``root``) by its dotted name."""
    found: dict[str, Path] = {}
    for path in sorted(src.rglob("*.py")):
        parts = (root, *path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _known(name: str, modules: Mapping[str, Path]) -> str | None:
    # The module itself, or the nearest package or module that holds it.
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(name: str, path: Path, modules: Mapping[str, Path]) -> set[str]:
    """The project's modules that module ``name`` (at ``path``) imports, anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            targets = [
                f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            module = _known(target, modules)
            if module is not None and module not in (name, ROOT):
                found.add(module)
    return found


def import_graph(src: Path, root: str = ROOT) -> dict[str, set[str]]:
    """Module -> the project's modules it imports."""
    modules = module_files(src, root)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (or a module importing itself),
    each as a cycle through it, found by Tarjan's algorithm."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1 or v in graph.get(v, ()):
                groups.append(_cycle_through(sorted(group), graph))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return groups


def _cycle_through(group: list[str], graph: Mapping[str, Iterable[str]]) -> list[str]:
    # A shortest path back to the group's first module, to name in the failure.
    members, start = set(group), group[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(graph.get(v, ())):
            if w == start:
                return [*paths[v], start]
            if w in members and w not in paths:
                paths[w] = [*paths[v], w]
                queue.append(w)
    return group


def layer_of(module: str, layers: tuple[tuple[str, ...], ...] = LAYERS) -> tuple[int, str]:
    """(layer number, top-level package) of a module below the root."""
    package = module.split(".")[1]
    for number, names in enumerate(layers):
        if package in names:
            return number, package
    raise LookupError(f"{package} is in no layer: add it to LAYERS in {__file__}")


def upward_imports(
    graph: Mapping[str, Iterable[str]],
    layers: tuple[tuple[str, ...], ...] = LAYERS,
    allowed: frozenset[tuple[str, str]] = ALLOWED_ACROSS,
) -> list[str]:
    """Each import that runs up the layers, or across one without leave, as a sentence."""
    found = []
    for importer, imported in sorted((a, b) for a, targets in graph.items() for b in targets):
        if importer == ROOT:
            continue  # the root re-exports
        (low, lower), (high, higher) = layer_of(importer, layers), layer_of(imported, layers)
        if lower == higher or high < low or (lower, higher) in allowed:
            continue
        way = "up the layers" if high > low else "across its layer"
        found.append(f"{importer} imports {imported}: {lower} -> {higher} runs {way}")
    return found


# -- the package ---------------------------------------------------------------------------


def test_the_package_has_no_import_cycle() -> None:
    """No module of showclear imports, through any chain, a module that imports it back."""
    found = cycles(import_graph(SRC))
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_no_import_runs_up_the_layers() -> None:
    """Every import goes down the layers or stays in its package (api and web never meet)."""
    found = upward_imports(import_graph(SRC))
    assert not found, "imports against the layers:\n" + "\n".join(found)


def test_every_package_has_a_layer() -> None:
    """A new top-level package must say where it stands before anything may import it."""
    packages = {name.split(".")[1] for name in module_files(SRC) if name != ROOT}
    assert packages <= {p for layer in LAYERS for p in layer}, packages


# -- the checker itself, on a tiny package in tmp_path ----------------------------------------


def _tree(tmp_path: Path, files: Mapping[str, str]) -> Path:
    src = tmp_path / "pkg"
    for name, text in {"__init__.py": "", **files}.items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return src


_FAKE_LAYERS = (("low",), ("left", "right"), ("high",))


def test_the_checker_finds_a_planted_cycle(tmp_path: Path) -> None:
    """A cycle through a function-level import and a TYPE_CHECKING import is found."""
    src = _tree(
        tmp_path,
        {
            "low/__init__.py": "",
            "low/a.py": "def f():\n    from pkg.low.b import g\n",
            "low/b.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.low import c\n"
            ),
            "low/c.py": "import pkg.low.a\n",
        },
    )
    found = cycles(import_graph(src, "pkg"))
    assert found == [["pkg.low.a", "pkg.low.b", "pkg.low.c", "pkg.low.a"]]


def test_the_checker_finds_a_cycle_through_a_package_init(tmp_path: Path) -> None:
    """Importing a name from one's own package's __init__, which imports back, is a cycle."""
    src = _tree(
        tmp_path,
        {
            "low/__init__.py": "from pkg.low.a import A\n",
            "low/a.py": "from .b import B\nA = 1\n",
            "low/b.py": "from pkg.low import A\nB = 2\n",
        },
    )
    assert cycles(import_graph(src, "pkg")) == [["pkg.low", "pkg.low.a", "pkg.low.b", "pkg.low"]]


def test_the_checker_takes_a_submodule_import_for_the_submodule(tmp_path: Path) -> None:
    """``from pkg.low import b`` depends on pkg.low.b, not on pkg.low's __init__."""
    src = _tree(
        tmp_path,
        {
            "low/__init__.py": "from pkg.low.a import A\n",
            "low/a.py": "from pkg.low import b\nA = 1\n",
            "low/b.py": "B = 2\n",
        },
    )
    graph = import_graph(src, "pkg")
    assert graph["pkg.low.a"] == {"pkg.low.b"}
    assert cycles(graph) == []


def test_the_checker_finds_imports_up_and_across_the_layers(tmp_path: Path) -> None:
    """low importing high runs up; left importing right runs across; high importing low is fine."""
    src = _tree(
        tmp_path,
        {
            "low/__init__.py": "def f():\n    import pkg.high\n",
            "left/__init__.py": "from pkg.right import x\n",
            "right/__init__.py": "x = 1\n",
            "high/__init__.py": "from pkg import low, left\n",
        },
    )
    found = upward_imports(import_graph(src, "pkg"), _FAKE_LAYERS, frozenset())
    assert found == [
        "pkg.left imports pkg.right: left -> right runs across its layer",
        "pkg.low imports pkg.high: low -> high runs up the layers",
    ]
    allowed = frozenset({("left", "right")})
    assert len(upward_imports(import_graph(src, "pkg"), _FAKE_LAYERS, allowed)) == 1


def test_the_checker_refuses_a_package_without_a_layer() -> None:
    """A package missing from the layers is an error naming it, not a silent pass."""
    with pytest.raises(LookupError, match="nowhere is in no layer"):
        layer_of("showclear.nowhere.x")
