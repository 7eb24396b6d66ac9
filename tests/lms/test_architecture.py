"""The layering of ARCHITECTURE.md, checked on the code: an app imports only the apps below it,
and no module of Masar is imported inside a function to dodge a cycle.

Read from the source (ast), so it costs nothing and needs no database."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Bottom to top, as in ARCHITECTURE.md: each may import those before it, never those after.
LAYERS = ["core", "accounts", "quizzes", "courses", "interviews", "certificates", "hr", "content", "lms"]


def _modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "migrations" in parts:
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imported(node: ast.AST, app: str, path: Path) -> list[str]:
    """The Masar apps a statement imports (relative imports resolved to their app)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom):
        if node.level:  # relative: inside the module's own app
            return [app]
        names = [node.module or ""]
    else:
        return []
    return [name.split(".")[0] for name in names if name.split(".")[0] in LAYERS]


def _function_imports(tree: ast.AST):
    """(function name, import statement) for every import inside a function."""
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    yield function.name, node


def _is_tasks(node: ast.AST) -> bool:
    """`from . import tasks`, `from .tasks import x`: the services <-> tasks pattern."""
    if isinstance(node, ast.ImportFrom):
        if node.module and node.module.split(".")[-1] == "tasks":
            return True
        return node.module is None and all(alias.name == "tasks" for alias in node.names)
    return False


@pytest.mark.parametrize("app", LAYERS)
def test_an_app_imports_only_the_apps_below_it(app):
    allowed = set(LAYERS[: LAYERS.index(app) + 1])
    upward = [
        f"{path.relative_to(ROOT)}:{node.lineno} imports {other}"
        for path, tree in _modules(app)
        for node in ast.walk(tree)
        for other in _imported(node, app, path)
        if other not in allowed
    ]
    assert not upward, "\n".join(upward)


@pytest.mark.parametrize("app", LAYERS)
def test_no_masar_module_is_imported_inside_a_function(app):
    """Apps' ready() (models are loaded only then) and Celery tasks (services queue tasks, task
    bodies call services) are the exceptions."""
    inside = [
        f"{path.relative_to(ROOT)}:{node.lineno} in {name}()"
        for path, tree in _modules(app)
        for name, node in _function_imports(tree)
        if _imported(node, app, path)
        and not _is_tasks(node)
        and path.name != "tasks.py"
        and not (path.name == "apps.py" and name == "ready")
    ]
    assert not inside, "\n".join(inside)


def test_the_layers_are_the_ones_architecture_md_draws():
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert " <- ".join(LAYERS) in text
    for app in LAYERS:
        assert (ROOT / app / "apps.py").exists(), f"{app} is an installed app"


def test_every_app_of_the_project_runs_its_own_app_config():
    """An apps.py with two AppConfig classes (or one imported) makes Django fall back to a bare
    AppConfig, and the app's ready() (its signal receivers) silently never runs."""
    from django.apps import AppConfig, apps

    for name in ("core", "accounts", "quizzes", "courses", "interviews", "certificates", "hr", "content"):
        config = apps.get_app_config(name)
        assert type(config) is not AppConfig and type(config).__module__ == f"{name}.apps", (name, type(config))
