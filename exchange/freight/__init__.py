"""Angkutan bersama (issue 32): signed deals that travel the same corridor on one day share a
truck. ``costs`` (vehicles, trip cost, stand-alone cost, the split) and ``routes`` (the exact
route of a small trip) and ``planner`` (OR-tools routing over a day's deals) are pure cores;
``services`` stores the proposed trips and the answers of those who bear transport."""
