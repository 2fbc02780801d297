"""A Streamlit release that renamed ScriptRunner's private ``_run_script_thread``, simulated.

The module's source is rewritten as a release would ship it: the method gets a new name and
Streamlit's own ``start()`` (and every other caller) follows the rename, so Streamlit itself
keeps working and only code that reaches for the old name notices.

    python tests/streamlit_renamed.py run app.py [streamlit options]   # the wrapper entry

``load_renamed()`` gives the rewritten module in-process, without replacing the real one.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
import types
from pathlib import Path

MODULE = "streamlit.runtime.scriptrunner.script_runner"
OLD, NEW = "_run_script_thread", "_run_script_loop"


def _path() -> Path:
    # find_spec of the top package does not import it: streamlit must not be imported before
    # install(), or the real script_runner would be loaded already.
    return Path(importlib.util.find_spec("streamlit").origin).parent / "runtime" / "scriptrunner" / "script_runner.py"


def renamed_source() -> str:
    """Return script_runner.py with the method renamed everywhere, as a release would."""
    source = _path().read_text(encoding="utf-8")
    assert f"def {OLD}(" in source, f"this Streamlit has no {OLD} any more: the simulation is moot"
    return source.replace(OLD, NEW)


class _Loader(importlib.abc.Loader):
    def create_module(self, spec):
        return None

    def exec_module(self, module):
        exec(compile(renamed_source(), str(_path()), "exec"), module.__dict__)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname != MODULE:
            return None
        return importlib.util.spec_from_loader(fullname, _Loader(), origin=str(_path()))


def install() -> None:
    """Make the next import of Streamlit's script_runner load the renamed source."""
    if MODULE in sys.modules:
        raise RuntimeError("install() must run before Streamlit is imported")
    sys.meta_path.insert(0, _Finder())


def load_renamed() -> types.ModuleType:
    """Return a fresh module of the renamed source (the real one stays in sys.modules)."""
    module = types.ModuleType(MODULE)
    module.__file__ = str(_path())
    exec(compile(renamed_source(), str(_path()), "exec"), module.__dict__)
    return module


if __name__ == "__main__":
    install()
    from streamlit.web.cli import main

    sys.argv = ["streamlit", *sys.argv[1:]]
    sys.exit(main())
