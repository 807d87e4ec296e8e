"""Build hook: the wheel carries each rule's example pair, so `fastapi-rules explain`
prints the same page from an installed wheel as from a checkout (all other metadata
is in pyproject.toml)."""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildPyWithExamples(build_py):
    def run(self) -> None:
        super().run()
        examples = [*HERE.glob("fixtures/FAR*/bad_example.py"), *HERE.glob("fixtures/FAR*/good_example.py")]
        for example in sorted(examples):
            target = Path(self.build_lib, "fastapi_rules", "examples", example.parent.name, example.name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(example, target)


setup(cmdclass={"build_py": BuildPyWithExamples})
