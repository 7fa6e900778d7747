#!/usr/bin/env python3
"""Differential oracle: reads a JSON list of strings on stdin and prints, for each, the
canonical text of `ipaddress.ip_network(s, strict=True)`, or null when Python refuses it."""

import ipaddress
import json
import sys


def strict(text):
    try:
        return str(ipaddress.ip_network(text, strict=True))
    except (ValueError, TypeError):
        return None


json.dump([strict(t) for t in json.load(sys.stdin)], sys.stdout)
