"""AWS WAF in front of the local gateway, as template.yaml's web ACL declares it (both
modes): each rule that blocks on a regular expression over one request header answers
with its custom response, before the gateway sees the request. AWS managed rule groups
are AWS's own and not emulated; with the `Firewall` parameter `disabled`, nothing runs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from plinth_tools import template as tpl
from plinth_tools.local.gateway import GatewayRequest, GatewayResult


@dataclass(frozen=True)
class HeaderRule:
    name: str
    header: str  # lower case
    pattern: re.Pattern[str]
    status: int
    content_type: str
    body: bytes

    def blocks(self, request: GatewayRequest) -> bool:
        return any(
            name.lower() == self.header and self.pattern.search(value)
            for name, value in request.headers
        )


_CONTENT_TYPES = {"APPLICATION_JSON": "application/json", "TEXT_PLAIN": "text/plain"}


def header_rules(template: dict[str, Any], parameters: dict[str, str]) -> list[HeaderRule]:
    if parameters.get("Firewall", "enabled") != "enabled":
        return []
    rules: list[HeaderRule] = []
    for acl in tpl.resources_of_type("AWS::WAFv2::WebACL", template).values():
        props = acl["Properties"]
        bodies = props.get("CustomResponseBodies") or {}
        for rule in sorted(props.get("Rules") or [], key=lambda r: r["Priority"]):
            match = rule["Statement"].get("RegexMatchStatement")
            block = (rule.get("Action") or {}).get("Block")
            if match is None or block is None:
                continue
            response = block["CustomResponse"]
            body = bodies[response["CustomResponseBodyKey"]]
            rules.append(
                HeaderRule(
                    name=rule["Name"],
                    header=match["FieldToMatch"]["SingleHeader"]["Name"].lower(),
                    pattern=re.compile(match["RegexString"]),
                    status=int(response["ResponseCode"]),
                    content_type=_CONTENT_TYPES[body["ContentType"]],
                    body=body["Content"].encode(),
                )
            )
    return rules


class Firewall:
    def __init__(self, template: dict[str, Any], parameters: dict[str, str]) -> None:
        self.rules = header_rules(template, parameters)

    def check(self, request: GatewayRequest) -> GatewayResult | None:
        """The first blocking rule's response, or None: the request goes on."""
        for rule in self.rules:
            if rule.blocks(request):
                return GatewayResult(rule.status, [("Content-Type", rule.content_type)], rule.body)
        return None
