"""environment.yml gives conda users the same packages as pyproject.toml."""

import re
import tomllib

import yaml

from helpers.core import paths


def _name(req: str) -> str:
    return re.split(r"[<>=!;\s\[]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_packages_as_pyproject():
    py = tomllib.loads((paths.PROJ_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r) for r in py["dependencies"] + py["optional-dependencies"]["dev"]}
    env = yaml.safe_load((paths.PROJ_ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_list = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = {_name(r) for r in pip_list if not r.startswith("-e")}
    assert listed == wanted
    assert "-e ." in pip_list


def test_design_card_packages_are_dependencies():
    py = tomllib.loads((paths.PROJ_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {_name(r) for r in py["dependencies"]}
    for pkg in (
        "jupyterlab",
        "pandas",
        "matplotlib",
        "papermill",
        "nbconvert",
        "japanize-matplotlib",
    ):
        assert pkg in names


def test_japanese_font_switches_on():
    import matplotlib
    from matplotlib import font_manager

    from helpers.present.fonts import use_japanese_font

    module = use_japanese_font()
    assert module in ("japanize_matplotlib", "matplotlib_fontja")
    assert matplotlib.rcParams["font.family"] == ["IPAexGothic"]
    path = font_manager.findfont("IPAexGothic", fallback_to_default=False)
    assert "ipaex" in path.lower()
