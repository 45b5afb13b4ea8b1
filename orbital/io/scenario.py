"""Loading scenario files: YAML (safe loader only), ``--set`` overrides, validation.

Every failure becomes a :class:`ScenarioError` whose message names the file, the
field path, the value found and what was expected; the CLI prints it and exits
with code 2.
"""

import functools
import math
import os
import importlib.resources
from pathlib import Path

from orbital.errors import ScenarioError
from orbital.kinds import KINDS, kind_spec
from orbital.schema import safe_name



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
        if path.exists() and not path.is_file():
            raise ScenarioError(f"{name_or_path}: is {_file_type(path)}, not a regular file; expected a scenario YAML file")
        if path.is_symlink() and not path.exists():
            raise ScenarioError(f"{name_or_path}: a symbolic link to {os.readlink(path)}, which does not exist; expected a scenario YAML file")
        if not path.is_file():
            bundled = path.stem if path.suffix in (".yaml", ".yml") and path.stem in bundled_scenarios() else None
            hint = f" (the bundled scenario is named '{bundled}', without {path.suffix})" if bundled and len(path.parts) == 1 else ""
            raise ScenarioError(f"{name_or_path}: no such file{hint}")
        _refuse_run_dir_file(path)
        return path
    bundled = bundled_scenarios()
    if name_or_path in bundled:
        return bundled[name_or_path]
    raise ScenarioError(
        f"'{name_or_path}' is neither a file nor a bundled scenario; expected one of: {', '.join(bundled)}"
    )


def _file_type(path):
    """What a path that is not a regular file or a directory is, in words."""
    import stat

    mode = path.stat().st_mode
    kinds = ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"))
    return next((name for test, name in kinds if test(mode)), "a special file")


def _refuse_run_dir_file(path):
    """A run directory's summary or trajectories given where a scenario is expected: say what to give instead."""
    from orbital.io.run_dirs import SCENARIO_FILE, SUMMARY_FILE, TRAJECTORIES_FILE

    if path.name in (SUMMARY_FILE, TRAJECTORIES_FILE) and (path.parent / SCENARIO_FILE).is_file():
        raise ScenarioError(
            f"{path}: is a file of the run directory {path.parent}, not a scenario; expected a scenario file: "
            f"use {path.parent / SCENARIO_FILE} to run it again, or 'issim view {path.parent}' to watch it"
        )


def _directory_message(path):
    """What to say when a directory is given where a scenario is expected."""
    from orbital.io.run_dirs import SCENARIO_FILE

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
    first_given = {}
    for text in overrides:
        path, value = parse_override(text)
        key = ".".join(path)
        if key in first_given:
            raise ScenarioError(f"--set {text!r}: {key} is already set by --set {first_given[key]!r}; expected each key once")
        first_given[key] = text
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
    return kind_spec(kind).scenario


def validate(data, source="<scenario>", default_name="", overridden=(), file_data=None):
    """Validate a scenario dict; returns the typed model of its kind.

    ``overridden``: the ``--set`` texts (``KEY=VALUE``) that turned ``file_data`` (the file as
    read) into ``data``. A problem they caused, under a key they set or one the file alone does
    not have (a combination), is reported as theirs, not the file's."""
    from pydantic import ValidationError

    keys = [text.partition("=")[0].strip() for text in overridden]
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        where = "--set" if "kind" in keys else source
        raise ScenarioError(
            f"{where}: kind = {_describe(kind)}: expected one of: {', '.join(KINDS)}"
            if "kind" in data
            else f"{where}: kind: missing; expected one of: {', '.join(KINDS)}"
        )
    cls = model_class(kind)
    if not data.get("name") and default_name:
        data = {**data, "name": default_name}
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        file_problems = _problems_of_the_file(cls, file_data, default_name) if overridden else None
        raise ScenarioError(format_validation_error(exc, source, cls, overridden, file_problems)) from None
    except RecursionError:
        raise ScenarioError(f"{source}: nested too deeply") from None


def _problem_key(error):
    """What identifies a validation problem whatever the values: where, which kind, which field."""
    return tuple(error["loc"]), error["type"], (error.get("ctx") or {}).get("field")


def _problems_of_the_file(cls, file_data, default_name):
    """The problems of the file alone (without ``--set``), as :func:`_problem_key` s; None if unknown."""
    from pydantic import ValidationError

    if not isinstance(file_data, dict) or file_data.get("kind") != cls.model_fields["kind"].default:
        return None
    if not file_data.get("name") and default_name:
        file_data = {**file_data, "name": default_name}
    try:
        cls.model_validate(file_data)
    except ValidationError as exc:
        return {_problem_key(error) for error in exc.errors(include_url=False)}
    except RecursionError:
        return None
    return set()


def load(name_or_path, overrides=()):
    """Read, override and validate a scenario: the one entry point for the CLI."""
    import copy

    path = resolve_path(name_or_path)
    file_data = read_yaml(path)
    data = apply_overrides(copy.deepcopy(file_data), overrides)
    return validate(data, source=str(path), default_name=safe_name(path.stem), overridden=list(overrides), file_data=file_data)


def json_schema():
    """A JSON Schema covering every scenario kind (for editors' YAML plugins).

    Its ``$defs`` names are stable: a kind's model is named by the kind and the model class
    (``StationScenario``), never by module path. Beside the
    schema, ``x-issim-kinds`` (an extension keyword, ignored by validators) holds each kind's
    contract in registry order: its model (a reference into ``$defs``), title, summary keys (unit,
    meaning), display hints.
    """
    from typing import Annotated, Union

    from pydantic import Field, TypeAdapter

    classes = tuple(model_class(kind) for kind in KINDS)
    if len(classes) == 1:
        schema = TypeAdapter(classes[0]).json_schema()
    else:
        schema = TypeAdapter(Annotated[Union[classes], Field(discriminator="kind")]).json_schema()
    schema = _renamed_defs(schema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "issim scenario"
    model_refs = _kind_model_refs(schema)
    schema["x-issim-kinds"] = {kind: {"model": model_refs[kind], **kind_spec(kind).to_json()} for kind in KINDS}
    return schema


def _kind_model_refs(schema):
    """Kind -> the ``$ref`` of its scenario model in ``schema`` (one kind: the schema itself)."""
    if "discriminator" in schema:
        return dict(schema["discriminator"]["mapping"])
    return {kind: "#" for kind in KINDS}


def _stable_def_name(name):
    """pydantic names a model by its module path when two share a class name
    (``orbital__kinds__station__Scenario``); a kind's model is named by kind and model instead
    (``StationScenario``). Other names are kept."""
    parts = name.split("__")
    if len(parts) >= 4 and parts[:2] == ["orbital", "kinds"]:
        return "".join(word.capitalize() for word in parts[2].split("_")) + parts[-1]
    return name


def _renamed_defs(schema):
    """``schema`` with its ``$defs`` renamed by :func:`_stable_def_name`, every reference to them too."""
    refs = {f"#/$defs/{old}": f"#/$defs/{_stable_def_name(old)}" for old in schema.get("$defs", {})}

    def rename(node):
        if isinstance(node, dict):
            return {key: refs.get(value, value) if isinstance(value, str) else rename(value) for key, value in node.items()}
        if isinstance(node, list):
            return [rename(item) for item in node]
        return node

    renamed = rename(schema)
    if "$defs" in renamed:
        renamed["$defs"] = {_stable_def_name(name): body for name, body in renamed["$defs"].items()}
    return renamed


def _describe(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def section_class(annotation):
    """The model class inside a field's annotation (``Spec``, ``Optional[Spec]``, ``List[Spec]``), or None:
    how a dotted key (``station.altitude``) walks down a scenario's sections."""
    from typing import get_origin

    from pydantic import BaseModel

    if get_origin(annotation) is None and isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next(filter(None, map(section_class, getattr(annotation, "__args__", ()))), None)


def _field_names(cls, loc):
    """Allowed keys of the section at ``loc`` (for 'unknown field' messages); list indices are skipped."""
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(cls, "model_fields", {}).get(part)
        cls = section_class(field.annotation) if field is not None else None
        if cls is None:
            return []
    return list(cls.model_fields)


def format_validation_error(exc, source, cls, overridden=(), file_problems=None):
    """One message, a line per problem: ``file: field.path = value: what was expected``.

    ``overridden``: the ``--set`` texts applied. A problem under a key one of them set reads
    ``--set: field.path = value: ...``; with ``file_problems`` (the file's own, see
    :func:`_problems_of_the_file`), a problem the file alone does not have names the ``--set``
    options that made it: ``--set 'KEY=VALUE': field.path: ...``."""
    keys = [text.partition("=")[0].strip() for text in overridden]
    lines = []
    for error in exc.errors(include_url=False):
        loc = [str(part) for part in error["loc"]]
        ctx = error.get("ctx") or {}
        field = ".".join([*loc, ctx["field"]] if error["type"] == "field" else loc)
        if any(field == key or field.startswith(key + ".") for key in keys):
            where = "--set"
        elif file_problems is not None and _problem_key(error) not in file_problems:
            where = _blamed_sets(overridden, keys, ".".join(loc), error["msg"])
        else:
            where = source
        lines.append(f"{where}: {_problem_text(error, field, cls)}")
    return "\n".join(lines[:10]) + (f"\n... and {len(lines) - 10} more" if len(lines) > 10 else "")


def _blamed_sets(overridden, keys, section, message):
    """``--set 'K=V'`` for the overrides inside ``section`` whose field the message names (else all
    those inside ``section``; else all of them)."""
    import shlex

    inside = [(text, key) for text, key in zip(overridden, keys) if not section or key == section or key.startswith(section + ".")]
    named = [text for text, key in inside if key.rpartition(".")[2] in message]
    return " ".join(f"--set {shlex.quote(text)}" for text in named or [text for text, _ in inside] or overridden)


def _problem_text(error, field, cls):
    """One problem, after its source: ``field = value: what was expected``."""
    message = error["msg"].removeprefix("Value error, ")
    value = error.get("input")
    named = f"{field}: " if field else ""
    if error["type"] == "extra_forbidden":
        return f"{field}: unknown field; expected one of: {', '.join(_field_names(cls, error['loc'][:-1]))}"
    if error["type"] == "missing":
        return f"{field}: missing; this field is required"
    if error["type"] == "field":
        return f"{field} = {(error.get('ctx') or {})['value']}: {message}"
    if error["type"] in ("model_type", "dict_type"):
        return f"{field or '(top level)'} = {_describe(value)}: expected a section of fields ({field}.KEY: VALUE)"
    if error["type"] in ("perigee_under_surface", "orbit_conflict") or isinstance(value, dict):
        return f"{named}{message}"  # a section's own check: its message names the fields, not a dump of the section
    if isinstance(value, float) and math.isnan(value) or str(value).strip().lower() == "nan":
        return f"{field} = {_describe(value)}: expected a number, not NaN"
    return f"{field} = {_describe(value)}: {message}"
