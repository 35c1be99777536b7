"""Extra questions some services ask, published as Open311 service-definition attributes.

Answers come in as ``attribute[code]`` and are added to the report's description, in the
report's language, so staff and the public read them with the rest of the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str  # string, number, datetime, text, singlevaluelist, multivaluelist
    description: str
    required: bool = False
    values: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    datatype_description: str = ""

    def value_name(self, key: str) -> str:
        return str(dict(self.values).get(key, key))


SERVICE_ATTRIBUTES: dict[str, tuple[Attribute, ...]] = {
    "STREETLIGHT": (
        Attribute(
            code="pole_number",
            datatype="string",
            description=_("Number painted on the lamp post, if you can read it"),
        ),
        Attribute(
            code="lights_out",
            datatype="singlevaluelist",
            description=_("How many lights are out?"),
            required=True,
            values=(
                ("one", _("One light")),
                ("several", _("Several lights")),
                ("street", _("The whole street")),
            ),
        ),
    ),
    "FLOODING": (
        Attribute(
            code="water_depth",
            datatype="singlevaluelist",
            description=_("How deep is the water?"),
            required=True,
            values=(
                ("ankle", _("Up to the ankle")),
                ("knee", _("Up to the knee")),
                ("above_knee", _("Above the knee")),
            ),
        ),
    ),
    "TREE": (
        Attribute(
            code="blocking",
            datatype="singlevaluelist",
            description=_("Is the tree blocking the road?"),
            required=True,
            values=(("yes", _("Yes")), ("no", _("No"))),
        ),
    ),
    "ROAD_DAMAGE": (
        Attribute(
            code="size",
            datatype="singlevaluelist",
            description=_("How large is the damage?"),
            values=(
                ("small", _("Smaller than a hand span")),
                ("medium", _("Up to one metre")),
                ("large", _("Larger than one metre")),
            ),
        ),
    ),
}


def attributes_for(service_code: str) -> tuple[Attribute, ...]:
    return SERVICE_ATTRIBUTES.get(service_code, ())


def clean_attribute_answers(
    service_code: str, raw: dict[str, list[str]]
) -> list[tuple[Attribute, str]]:
    """Checks ``attribute[...]`` answers; raises ValueError with a message for the client."""
    answers = []
    for attribute in attributes_for(service_code):
        values = [v.strip() for v in raw.get(attribute.code, []) if v.strip()]
        if not values:
            if attribute.required:
                raise ValueError(f"attribute[{attribute.code}] is required for this service")
            continue
        if attribute.datatype == "singlevaluelist":
            if len(values) != 1 or values[0] not in dict(attribute.values):
                raise ValueError(f"attribute[{attribute.code}] must be one of the listed values")
            answers.append((attribute, str(attribute.value_name(values[0]))))
        elif attribute.datatype == "multivaluelist":
            allowed = dict(attribute.values)
            if any(v not in allowed for v in values):
                raise ValueError(f"attribute[{attribute.code}] must use the listed values")
            answers.append((attribute, ", ".join(str(allowed[v]) for v in values)))
        else:
            answers.append((attribute, values[0][:500]))
    return answers
