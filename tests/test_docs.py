"""Every command and option is documented (like datasette's documentation tests)."""

import re

import click
import pytest

import frontlines
from frontlines.cli import main

from .conftest import REPO

DOCS = "\n".join(
    p.read_text(encoding="utf-8")
    for p in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
)


def commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        full = f"{prefix}{name}"
        found.append((full, command))
        if isinstance(command, click.Group):
            found.extend(commands(command, full + " "))
    return found


@pytest.mark.parametrize(("name", "command"), commands(main))
def test_command_is_documented(name: str, command: click.Command) -> None:
    assert f"frontlines {name}" in DOCS, f"`frontlines {name}` is not documented"
    for param in command.params:
        if isinstance(param, click.Option):
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help":
                    assert re.search(rf"{re.escape(opt)}\b", DOCS), (
                        f"option {opt} of `frontlines {name}` is not documented"
                    )
        if isinstance(param, click.Option):
            assert param.help, f"{name}: {param.name} has no help"


def test_readme_first_screen_has_the_two_setup_commands() -> None:
    first_screen = "\n".join((REPO / "README.md").read_text(encoding="utf-8").splitlines()[:25])
    assert "make example" in first_screen
    assert "make test" in first_screen


def test_public_api_is_what_all_lists() -> None:
    for name in frontlines.__all__:
        assert hasattr(frontlines, name), name
    assert callable(frontlines.analyze)
