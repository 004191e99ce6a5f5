"""The API versions the emulator answers: 20.0 (Winter '11) to 68.0 (Winter '27).

Salesforce ships three releases a year, one version each: Spring, Summer and Winter (named
after the following year).
"""

OLDEST = 20
LATEST = 68
SEASONS = ("Summer", "Winter", "Spring")  # of versions 31, 32, 33 and every third after


def label(version: int) -> str:
    season = SEASONS[(version - 31) % 3]
    year = 14 + (version - 29) // 3
    return f"{season} '{year:02d}"


def versions_list() -> list[dict]:
    return [
        {"label": label(number), "url": f"/services/data/v{number}.0", "version": f"{number}.0"}
        for number in range(OLDEST, LATEST + 1)
    ]


def is_supported(version: str) -> bool:
    whole, _, fraction = version.partition(".")
    return whole.isdigit() and fraction == "0" and OLDEST <= int(whole) <= LATEST
