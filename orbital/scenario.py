"""Loading scenario files: YAML (safe loader only), ``--set`` overrides, validation.

Every failure becomes a :class:`ScenarioError` whose message names the file, the
field path, the value found and what was expected; the CLI prints it and exits
with code 2.
"""

import functools
import math
import importlib
import importlib.resources
from pathlib import Path

from orbital.schema import safe_name

#: Scenario kinds and the modules that define their model (``Scenario``) and runner (``run``).
KINDS = {
    "station": "orbital.station",
    "reentry": "orbital.reentry",
    "reentry_footprint": "orbital.footprint",
    "eva_drift": "orbital.eva_drift",
    "decay_reentry": "orbital.decay_reentry",
    "arm_push": "orbital.arm_push",
    "arm_rescue": "orbital.arm_rescue",
}


class ScenarioError(ValueError):
    """Bad scenario input. ``str(error)`` is the whole user-facing message."""


class InfeasibleScenario(ScenarioError):
    """Raised by a runner: inputs that each validate but together cannot make a run.

    The message names the fields and values to change; the CLI prints it and exits 2.
    """


def bundled_dir():
    """The folder of bundled scenario files: the package ``orbital.scenarios``, which is the
    repository's top-level ``scenarios/`` folder (mapped in pyproject.toml)."""
    return Path(str(importlib.resources.files("orbital.scenarios")))


def bundled_scenarios():
    """Map of bundled scenario name -> path, sorted by name."""
    return {p.stem: p for p in sorted(bundled_dir().glob("*.yaml"))}


def resolve_path(name_or_path):
    """A bundled scenario name or a file path -> an existing file path."""
    path = Path(name_or_path)
    if path.is_dir():
        raise ScenarioError(_directory_message(path))
    if path.suffix in (".yaml", ".yml") or path.exists() or "/" in str(name_or_path):
        if not path.is_file():
            raise ScenarioError(f"{name_or_path}: no such file")
        return path
    bundled = bundled_scenarios()
    if name_or_path in bundled:
        return bundled[name_or_path]
    raise ScenarioError(
        f"'{name_or_path}' is neither a file nor a bundled scenario; expected one of: {', '.join(bundled)}"
    )


def _directory_message(path):
    """What to say when a directory is given where a scenario is expected."""
    from orbital.results import SCENARIO_FILE

    if (path / SCENARIO_FILE).is_file():
        return (
            f"{path}: is a run directory, not a scenario; expected a scenario file: "
            f"use {path / SCENARIO_FILE} to run it again, or 'issim view {path}' to watch it"
        )
    return f"{path}: is a directory; expected a scenario YAML file or a bundled scenario name (see 'issim list')"


def read_yaml(path):
    """Parse a YAML file with the safe loader into a dict."""
    import yaml

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot read the file ({exc.__class__.__name__}: {exc})") from None
    try:
        data = yaml.load(text, Loader=_unique_key_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 1}, column {where.column + 1}" if where is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError(f"{path}: not valid YAML{at}: {problem}") from None
    except RecursionError:
        raise ScenarioError(f"{path}: not valid YAML: nested too deeply") from None
    if data is None:
        raise ScenarioError(f"{path}: the file is empty; expected a mapping of fields at the top level (kind: ..., ...)")
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}: expected a mapping of fields at the top level (kind: ..., ...), found {type(data).__name__} {_describe(data)}")
    return data


@functools.cache
def _unique_key_loader():
    """PyYAML's safe loader, refusing a key given twice in one mapping (safe_load keeps the last
    silently), and leaving dates and times as text: the schema reads them (PyYAML's own
    timestamps end in a bare ValueError on a date such as 2019-02-30)."""
    import yaml

    class UniqueKeyLoader(yaml.SafeLoader):
        yaml_implicit_resolvers = {
            first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
            for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
        }

        def construct_mapping(self, node, deep=False):
            first_line = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node)
                if key in first_line:
                    raise yaml.constructor.ConstructorError(
                        None, None,
                        f"duplicate key {key!r} (first at line {first_line[key]}); expected each key once",
                        key_node.start_mark,
                    )
                first_line[key] = key_node.start_mark.line + 1
            return super().construct_mapping(node, deep)

    return UniqueKeyLoader


def parse_override(text):
    """``"station.altitude=400 km"`` -> ``(["station", "altitude"], "400 km")``; value read as YAML."""
    import yaml

    key, sep, raw = text.partition("=")
    path = [part.strip() for part in key.split(".")]
    if not sep or not all(path):
        raise ScenarioError(f"--set {text!r}: expected KEY=VALUE with a dotted key, e.g. station.altitude='400 km'")
    try:
        value = yaml.load(raw, Loader=_unique_key_loader()) if raw.strip() else raw  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError:
        value = raw
    return path, value


def apply_overrides(data, overrides):
    """Apply ``--set`` overrides (strings ``KEY=VALUE``) to a scenario dict, in place.

    A numeric part of the key indexes an existing list: ``pushes.0.time=5``.
    """
    for text in overrides:
        path, value = parse_override(text)
        node = data
        for depth, part in enumerate(path):
            if isinstance(node, list):
                part = _list_index(node, part, ".".join(path[:depth]), text)
            elif not isinstance(node, dict):
                where = ".".join(path[:depth])
                raise ScenarioError(f"--set {text!r}: '{where}' is a value, not a section with fields")
            if depth == len(path) - 1:
                node[part] = value
            else:
                child = node[part] if isinstance(node, list) else node.get(part)
                if child is None:
                    child = node[part] = {}
                node = child
    return data


def _list_index(items, part, where, text):
    """The index ``part`` (text) into the list ``items`` found at ``where``; a ScenarioError if it is not one."""
    if not part.isdigit() or int(part) >= len(items):
        valid = f"an index 0 to {len(items) - 1}" if items else "no index (the list is empty; set the whole list)"
        raise ScenarioError(f"--set {text!r}: '{where}' is a list of {len(items)} item{'' if len(items) == 1 else 's'}; found '{part}', expected {valid}")
    return int(part)


def model_class(kind):
    """The pydantic model class of a scenario kind."""
    return importlib.import_module(KINDS[kind]).Scenario


def validate(data, source="<scenario>", default_name="", overridden=()):
    """Validate a scenario dict; returns the typed model of its kind.

    ``overridden``: dotted keys set by ``--set``; problems under them are reported as the
    ``--set`` value's, not the file's."""
    from pydantic import ValidationError

    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        raise ScenarioError(
            f"{source}: kind = {_describe(kind)}: expected one of: {', '.join(KINDS)}"
            if "kind" in data
            else f"{source}: kind: missing; expected one of: {', '.join(KINDS)}"
        )
    cls = model_class(kind)
    if not data.get("name") and default_name:
        data = {**data, "name": default_name}
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(format_validation_error(exc, source, cls, overridden)) from None
    except RecursionError:
        raise ScenarioError(f"{source}: nested too deeply") from None


def load(name_or_path, overrides=()):
    """Read, override and validate a scenario: the one entry point for the CLI."""
    path = resolve_path(name_or_path)
    data = apply_overrides(read_yaml(path), overrides)
    keys = [text.partition("=")[0].strip() for text in overrides]
    return validate(data, source=str(path), default_name=safe_name(path.stem), overridden=keys)


def resolved_yaml(scenario):
    """The fully resolved scenario as YAML text (defaults filled in, SI units written out)."""
    import yaml

    return yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def json_schema():
    """A JSON Schema covering every scenario kind (for editors' YAML plugins)."""
    from typing import Annotated, Union

    from pydantic import Field, TypeAdapter

    classes = tuple(model_class(kind) for kind in KINDS)
    if len(classes) == 1:
        schema = TypeAdapter(classes[0]).json_schema()
    else:
        schema = TypeAdapter(Annotated[Union[classes], Field(discriminator="kind")]).json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "issim scenario"
    return schema


def _describe(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _section_class(annotation):
    """The model class inside a field's annotation (``Spec``, ``Optional[Spec]``, ``List[Spec]``), or None."""
    from typing import get_origin

    from pydantic import BaseModel

    if get_origin(annotation) is None and isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next(filter(None, map(_section_class, getattr(annotation, "__args__", ()))), None)


def _field_names(cls, loc):
    """Allowed keys of the section at ``loc`` (for 'unknown field' messages); list indices are skipped."""
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(cls, "model_fields", {}).get(part)
        cls = _section_class(field.annotation) if field is not None else None
        if cls is None:
            return []
    return list(cls.model_fields)


def format_validation_error(exc, source, cls, overridden=()):
    """One message, a line per problem: ``file: field.path = value: what was expected``
    (``--set: field.path = ...`` where the value came from an override in ``overridden``)."""
    lines = []
    file_source = source
    for error in exc.errors(include_url=False):
        loc = [str(part) for part in error["loc"]]
        field = ".".join(loc) or "(top level)"
        source = "--set" if any(field == key or field.startswith(key + ".") for key in overridden) else file_source
        if error["type"] == "extra_forbidden":
            allowed = _field_names(cls, error["loc"][:-1])
            lines.append(f"{source}: {field}: unknown field; expected one of: {', '.join(allowed)}")
        elif error["type"] == "missing":
            lines.append(f"{source}: {field}: missing; this field is required")
        else:
            message = error["msg"].removeprefix("Value error, ")
            ctx = error.get("ctx") or {}
            if error["type"] == "field":
                lines.append(f"{source}: {'.'.join([*loc, ctx['field']])} = {ctx['value']}: {message}")
            elif error["type"] in ("perigee_under_surface", "orbit_conflict"):
                lines.append(f"{source}: {field}: {message}")
            elif error["type"] in ("model_type", "dict_type"):
                lines.append(f"{source}: {field} = {_describe(error.get('input'))}: expected a section of fields ({field}.KEY: VALUE)")
            elif isinstance(error.get("input"), float) and math.isnan(error["input"]) or str(error.get("input")).strip().lower() == "nan":
                lines.append(f"{source}: {field} = {_describe(error.get('input'))}: expected a number, not NaN")
            else:
                lines.append(f"{source}: {field} = {_describe(error.get('input'))}: {message}")
    return "\n".join(lines[:10]) + (f"\n... and {len(lines) - 10} more" if len(lines) > 10 else "")
