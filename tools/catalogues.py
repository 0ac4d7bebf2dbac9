"""Build fitcli's gettext catalogues: merge JSON message files into the .po files, compile .mo.

The catalogues are gettext files, one per language:
``src/fitcli/locales/<lang>/LC_MESSAGES/fitcli.po`` (edited by translators with their usual
tools: Poedit, Weblate, Lokalize...) and the compiled ``fitcli.mo`` beside it, which fitcli
reads at run time with the standard library's ``gettext``. The msgid of every message is its
key (``flags.none``); msgstr is the text with ``{name}`` placeholders.

Messages that print a count have plural forms (``Plural-Forms: nplurals=2; plural=(n != 1);``
for en, nb, da and sv). Which parameter is the count is recorded in the header field
``X-Fitcli-Plural-Params`` (``key=param, ...``), so code calls ``t(key, clients=3)`` and the
right form is chosen. ``count.<param>`` entries word one count inside a longer message
(``{clients_created}`` -> "1 klient" / "3 klienter").

Usage (from the repository root, with the dev dependencies installed):

    python tools/catalogues.py            # merge any locales/<lang>/*.json, compile every .mo
    python tools/catalogues.py --check    # exit 1 if a .mo is out of date or JSON is waiting

Merging: a key found only in a JSON file is added to the .po (with the plural forms of
PLURALS when it is listed there); for a key the .po already has, the .po wins and the key is
listed as differing, unless ``--prefer-json`` is given (then the JSON text replaces a singular
entry; ``--prefer-json KEY ...``: only those keys). The JSON files are removed after a merge
(``--keep-json`` keeps them). Output is
deterministic: entries sorted by key, no dates in the header, so re-running changes nothing.
"""

from __future__ import annotations

import argparse
import io
import json
import struct
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "src" / "fitcli" / "locales"
DOMAIN = "fitcli"
LANGUAGES = ("en", "nb", "da", "sv")
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"  # the same rule in all four languages
PLURAL_HEADER = "X-Fitcli-Plural-Params"

# Messages that print a count: key -> (count parameter, {lang: (one, other)}). Used when a key
# first becomes plural; after that its forms live in the .po files.
PLURALS: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {
    "flags.none": ("clients", {
        "en": ("No flags for the one client checked.",
               "No flags for the {clients} clients checked."),
        "nb": ("Ingen flagg for den ene klienten som ble sjekket.",
               "Ingen flagg for de {clients} klientene som ble sjekket."),
        "da": ("Ingen flag for den ene klient, der blev tjekket.",
               "Ingen flag for de {clients} klienter, der blev tjekket."),
        "sv": ("Inga flaggor för den enda klient som kontrollerades.",
               "Inga flaggor för de {clients} klienter som kontrollerades.")}),
    "import.error.refused": ("count", {
        "en": ("{count} problem found; nothing was imported. Fix it and run the import again "
               "(--dry-run checks without writing).",
               "{count} problems found; nothing was imported. Fix them and run the import again "
               "(--dry-run checks without writing)."),
        "nb": ("{count} problem funnet; ingenting ble importert. Rett det og kjør importen på nytt "
               "(--dry-run sjekker uten å skrive).",
               "{count} problemer funnet; ingenting ble importert. Rett dem og kjør importen på "
               "nytt (--dry-run sjekker uten å skrive)."),
        "da": ("{count} problem fundet; intet blev importeret. Ret det og kør importen igen "
               "(--dry-run tjekker uden at skrive).",
               "{count} problemer fundet; intet blev importeret. Ret dem og kør importen igen "
               "(--dry-run tjekker uden at skrive)."),
        "sv": ("{count} problem hittades; ingenting importerades. Rätta det och kör importen igen "
               "(--dry-run kontrollerar utan att skriva).",
               "{count} problem hittades; ingenting importerades. Rätta dem och kör importen igen "
               "(--dry-run kontrollerar utan att skriva).")}),
    "import.more_problems": ("count", {
        "en": ("... and {count} more problem not shown (use --json to see them all).",
               "... and {count} more problems not shown (use --json to see them all)."),
        "nb": ("... og {count} problem til som ikke vises (bruk --json for å se alle).",
               "... og {count} problemer til som ikke vises (bruk --json for å se alle)."),
        "da": ("... og {count} problem mere, som ikke vises (brug --json for at se dem alle).",
               "... og {count} problemer mere, som ikke vises (brug --json for at se dem alle)."),
        "sv": ("... och {count} problem till som inte visas (använd --json för att se alla).",
               "... och {count} problem till som inte visas (använd --json för att se alla).")}),
    "trend.model_line": ("count", {
        "en": ("ETR model: {model}, from {count} ORS score (Better Outcomes Now algorithms-23, "
               "MIT licence).",
               "ETR model: {model}, from {count} ORS scores (Better Outcomes Now algorithms-23, "
               "MIT licence)."),
        "nb": ("ETR-modell: {model}, ut fra {count} ORS-skår (Better Outcomes Now "
               "algorithms-23, MIT-lisens).",
               "ETR-modell: {model}, ut fra {count} ORS-skårer (Better Outcomes Now "
               "algorithms-23, MIT-lisens)."),
        "da": ("ETR-model: {model}, ud fra {count} ORS-score (Better Outcomes Now algorithms-23, "
               "MIT-licens).",
               "ETR-model: {model}, ud fra {count} ORS-scorer (Better Outcomes Now algorithms-23, "
               "MIT-licens)."),
        "sv": ("ETR-modell: {model}, utifrån {count} ORS-skattning (Better Outcomes Now "
               "algorithms-23, MIT-licens).",
               "ETR-modell: {model}, utifrån {count} ORS-skattningar (Better Outcomes Now "
               "algorithms-23, MIT-licens).")}),
    "client.remove_confirm": ("meetings", {
        "en": ("Erase client {client} and their {meetings} meeting for good?",
               "Erase client {client} and all {meetings} meetings for good?"),
        "nb": ("Slette klient {client} og den {meetings} samtalen for godt?",
               "Slette klient {client} og alle {meetings} samtaler for godt?"),
        "da": ("Slet klient {client} og den {meetings} samtale for altid?",
               "Slet klient {client} og alle {meetings} samtaler for altid?"),
        "sv": ("Radera klient {client} och det {meetings} samtalet för gott?",
               "Radera klient {client} och alla {meetings} samtal för gott?")}),
    "report.collateral_trajectories": ("count", {
        "en": ("Outcome figures of {count} client without an ORS of their own use a collateral "
               "rater's scores.",
               "Outcome figures of {count} clients without an ORS of their own use a collateral "
               "rater's scores."),
        "nb": ("Resultattallene for {count} klient uten egne ORS bygger på skårene til en annen "
               "utfyller.",
               "Resultattallene for {count} klienter uten egne ORS bygger på skårene til en annen "
               "utfyller."),
        "da": ("Resultattallene for {count} klient uden egne ORS bygger på en anden udfylders "
               "scorer.",
               "Resultattallene for {count} klienter uden egne ORS bygger på en anden udfylders "
               "scorer."),
        "sv": ("Resultatsiffrorna för {count} klient utan egna ORS bygger på en annan skattares "
               "skattningar.",
               "Resultatsiffrorna för {count} klienter utan egna ORS bygger på en annan skattares "
               "skattningar.")}),
    "error.labels_count": ("count", {
        "en": ("the item label file {path} gives {count} label for {lang} {form}; give a list of "
               "exactly four quoted labels.",
               "the item label file {path} gives {count} labels for {lang} {form}; give a list of "
               "exactly four quoted labels."),
        "nb": ("filen med områdenavn {path} gir {count} navn for {lang} {form}; gi en liste med "
               "nøyaktig fire navn i anførselstegn.",
               "filen med områdenavn {path} gir {count} navn for {lang} {form}; gi en liste med "
               "nøyaktig fire navn i anførselstegn."),
        "da": ("filen med områdenavne {path} angiver {count} navn for {lang} {form}; angiv en "
               "liste med præcis fire navne i anførselstegn.",
               "filen med områdenavne {path} angiver {count} navne for {lang} {form}; angiv en "
               "liste med præcis fire navne i anførselstegn."),
        "sv": ("filen med områdesnamn {path} anger {count} namn för {lang} {form}; ange en lista "
               "med exakt fyra namn inom citattecken.",
               "filen med områdesnamn {path} anger {count} namn för {lang} {form}; ange en lista "
               "med exakt fyra namn inom citattecken.")}),
    "count.clients": ("n", {
        "en": ("{n} client", "{n} clients"), "nb": ("{n} klient", "{n} klienter"),
        "da": ("{n} klient", "{n} klienter"), "sv": ("{n} klient", "{n} klienter")}),
    "count.meetings": ("n", {
        "en": ("{n} meeting", "{n} meetings"), "nb": ("{n} samtale", "{n} samtaler"),
        "da": ("{n} samtale", "{n} samtaler"), "sv": ("{n} samtal", "{n} samtal")}),
}


def po_path(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return po_path(lang).with_suffix(".mo")


def json_messages(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((LOCALES / lang).glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def read(lang: str) -> Catalog:
    path = po_path(lang)
    if path.exists():
        with path.open("rb") as handle:
            return read_po(handle, locale=lang, domain=DOMAIN)
    return Catalog(locale=lang, domain=DOMAIN)


def plural_params(catalog: Catalog) -> dict[str, str]:
    raw = dict(catalog.mime_headers).get(PLURAL_HEADER, "")
    pairs = (item.strip().partition("=") for item in raw.split(",") if item.strip())
    return {key: param for key, _, param in pairs}


def fresh(lang: str, old: Catalog) -> Catalog:
    """An empty catalogue with fitcli's fixed header (no dates: builds are reproducible)."""
    catalog = Catalog(locale=lang, domain=DOMAIN, project="fitcli", version="",
                      copyright_holder="fitcli contributors", msgid_bugs_address="",
                      creation_date=None, revision_date=None, fuzzy=False)
    catalog.language_team = f"{lang} <https://github.com/fitcli>"
    catalog.last_translator = "fitcli"
    for message in old:
        if message.id:
            catalog[message.id] = message
    return catalog


def merge(lang: str, prefer_json: list[str] | None) -> tuple[Catalog, dict[str, str], list[str]]:
    """The .po catalogue with the JSON keys merged in, its plural parameters, and the keys
    whose JSON text differs from the .po."""
    catalog = fresh(lang, read(lang))
    params = plural_params(read(lang))
    differing: list[str] = []
    for key, text in json_messages(lang).items():
        existing = catalog.get(key)
        if key in PLURALS:
            param, forms = PLURALS[key]
            params[key] = param
            if existing is None or not existing.pluralizable:
                catalog[key] = Message((key, key), list(forms[lang]))
            continue
        if existing is None:
            catalog[key] = Message(key, text)
        elif existing.pluralizable:
            if text not in existing.string:
                differing.append(key)
        elif existing.string != text:
            if prefer_json is not None and (not prefer_json or key in prefer_json):
                existing.string = text
            else:
                differing.append(key)
    for key, (param, forms) in PLURALS.items():
        if key not in catalog or not catalog[key].pluralizable:
            catalog[key] = Message((key, key), list(forms[lang]))
        params[key] = param
    return catalog, params, differing


def render_po(catalog: Catalog, params: dict[str, str]) -> bytes:
    catalog.plural_forms  # noqa: B018 - babel derives it from the locale; we set our own below
    out = io.BytesIO()
    write_po(out, catalog, sort_output=True, width=0, omit_header=True,
             include_previous=False)
    header = [
        'msgid ""', 'msgstr ""',
        '"Project-Id-Version: fitcli\\n"',
        f'"Language: {catalog.locale}\\n"',
        '"MIME-Version: 1.0\\n"',
        '"Content-Type: text/plain; charset=utf-8\\n"',
        '"Content-Transfer-Encoding: 8bit\\n"',
        f'"Plural-Forms: {PLURAL_FORMS}\\n"',
        f'"{PLURAL_HEADER}: {", ".join(f"{k}={v}" for k, v in sorted(params.items()))}\\n"',
    ]
    return ("\n".join(header) + "\n\n").encode("utf-8") + out.getvalue().lstrip(b"\n")


def render_mo(po: bytes, lang: str) -> bytes:
    """The .mo of a .po (GNU gettext's format, written here so the header is exactly the
    .po's: Babel's own writer adds creation dates and drops our plural parameters)."""
    catalog = read_po(io.BytesIO(po), locale=lang, domain=DOMAIN)
    header = po.split(b"\n\n", 1)[0].decode("utf-8")
    header_text = "".join(line[1:-1].replace("\\n", "\n")
                          for line in header.splitlines()[2:])
    entries: list[tuple[bytes, bytes]] = [(b"", header_text.encode("utf-8"))]
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if message.pluralizable:
            ids = "\0".join(message.id)
            strings = "\0".join(message.string)
        else:
            ids, strings = message.id, message.string
        if strings and all(strings.split("\0")):
            entries.append((ids.encode("utf-8"), strings.encode("utf-8")))
    entries.sort()
    count = len(entries)
    ids_at, strs_at = 7 * 4, 7 * 4 + count * 8
    data_at = strs_at + count * 8
    ids_table, strs_table, blob = [], [], b""
    for key, _ in entries:
        ids_table.append((len(key), data_at + len(blob)))
        blob += key + b"\0"
    for _, text in entries:
        strs_table.append((len(text), data_at + len(blob)))
        blob += text + b"\0"
    out = struct.pack("<7I", 0x950412DE, 0, count, ids_at, strs_at, 0, data_at)
    out += b"".join(struct.pack("<2I", *pair) for pair in ids_table)
    out += b"".join(struct.pack("<2I", *pair) for pair in strs_table)
    return out + blob


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if anything would change")
    parser.add_argument("--prefer-json", nargs="*", metavar="KEY", default=None,
                        help="a JSON text replaces the .po text of the same key (only these "
                             "keys when keys are given)")
    parser.add_argument("--keep-json", action="store_true",
                        help="keep the JSON files after merging them")
    args = parser.parse_args(argv)
    stale = False
    for lang in LANGUAGES:
        catalog, params, differing = merge(lang, args.prefer_json)
        po = render_po(catalog, params)
        mo = render_mo(po, lang)
        waiting = sorted((LOCALES / lang).glob("*.json"))
        for key in differing:
            print(f"{lang}: {key}: the JSON text differs from the .po (kept the .po; "
                  "--prefer-json takes the JSON)", file=sys.stderr)
        for path, data in ((po_path(lang), po), (mo_path(lang), mo)):
            if not path.exists() or path.read_bytes() != data:
                stale = True
                if not args.check:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(data)
                    print(f"wrote {path.relative_to(ROOT)}")
        if waiting:
            stale = True
            if not args.check and not args.keep_json:
                for path in waiting:
                    path.unlink()
                    print(f"merged and removed {path.relative_to(ROOT)}")
    if args.check and stale:
        print("catalogues out of date: run python tools/catalogues.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
