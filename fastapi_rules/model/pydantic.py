"""What the Pydantic rules (RULES-SPEC FAR6xx) recognise: model bases and v1 idioms."""
from __future__ import annotations

# Subclasses of these are Pydantic models. ``pydantic.v1`` is left out on purpose: a
# project importing it has chosen the v1 API for that code.
MODEL_BASES = frozenset(
    {
        "pydantic.BaseModel",
        "pydantic.main.BaseModel",
        "sqlmodel.SQLModel",
        "sqlmodel.main.SQLModel",
        "pydantic_settings.BaseSettings",
        "pydantic.BaseSettings",
    }
)

# v1 ``class Config`` / ``model_config`` keys and what v2 has instead.
V1_CONFIG_KEYS = {
    "orm_mode": "`from_attributes=True`",
    "allow_population_by_field_name": "`populate_by_name=True`",
    "schema_extra": "`json_schema_extra`",
    "anystr_strip_whitespace": "`str_strip_whitespace`",
    "max_anystr_length": "`str_max_length`",
    "min_anystr_length": "`str_min_length`",
    "validate_all": "`validate_default`",
    "allow_mutation": "`frozen` (inverted)",
    "underscore_attrs_are_private": "private attributes by default (remove it)",
    "fields": "`Field(...)` on each field",
    "copy_on_model_validation": "`revalidate_instances`",
    "smart_union": "smart unions by default (remove it)",
}

V1_VALIDATORS = frozenset(
    {
        "pydantic.validator",
        "pydantic.root_validator",
        "pydantic.class_validators.validator",
        "pydantic.class_validators.root_validator",
    }
)

# v1 model methods and their v2 names; ``copy`` only counts with ``update=``.
V1_MODEL_METHODS = {
    "dict": "model_dump",
    "json": "model_dump_json",
    "parse_obj": "model_validate",
    "parse_raw": "model_validate_json",
    "from_orm": "model_validate",
    "copy": "model_copy",
}

# Parameter defaults that make a handler parameter something other than the body.
NON_BODY_MARKERS = frozenset(
    {
        "fastapi.Depends",
        "fastapi.Security",
        "fastapi.Query",
        "fastapi.Path",
        "fastapi.Header",
        "fastapi.Cookie",
        "fastapi.Form",
        "fastapi.File",
        "fastapi.params.Query",
        "fastapi.params.Path",
        "fastapi.params.Header",
        "fastapi.params.Cookie",
    }
)

# Decorators that rewrite a field's value (a ``mask_api_key`` validator, a serializer).
FIELD_TRANSFORMERS = frozenset({"field_validator", "field_serializer", "validator"})

# Field types that cannot carry a secret's value: flags, counts, dates, masked strings.
NON_SECRET_TYPES = frozenset(
    {
        "builtins.bool",
        "builtins.int",
        "builtins.float",
        "datetime.datetime",
        "datetime.date",
        "pydantic.SecretStr",
        "pydantic.SecretBytes",
        "pydantic.types.SecretStr",
        "pydantic.types.SecretBytes",
    }
)

# Imports that only Pydantic v1 has (v2 raises ``PydanticImportError``): a project making
# one targets v1, where the v2 spelling the FAR601-603 fixes ask for does not exist.
V1_ONLY_IMPORTS = frozenset(
    {"pydantic.BaseSettings", "pydantic.fields.ModelField", "pydantic.error_wrappers.ErrorWrapper"}
)
V1_ONLY_MODULES = ("pydantic.schema.", "pydantic.class_validators.", "pydantic.error_wrappers.")
# Names only v2 has: a project importing one targets v2 (or both).
V2_ONLY_IMPORTS = frozenset(
    {
        "pydantic.ConfigDict", "pydantic.field_validator", "pydantic.model_validator",
        "pydantic.field_serializer", "pydantic.model_serializer", "pydantic.computed_field",
        "pydantic.TypeAdapter", "pydantic_settings.BaseSettings", "pydantic_settings.SettingsConfigDict",
    }
)
