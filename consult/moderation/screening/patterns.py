"""The personal-information patterns, compiled once from the lexicons of every language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ... import languages
from .base import HAN_RE
from .lexicons import Gate, alternation, cue_regex, fold_entry, gate, read_lexicon, unspaced_words, words_everywhere

_CAPITAL = "A-ZÀ-ÖØ-ÞА-ЯЁ\u0620-\u064a"  # capitals, and Arabic (which has no case)
#: How far before a number its cue word may be ("my number, if you want it, is ...").
PHONE_CUE_WINDOW = 40


@dataclass(frozen=True, slots=True)
class Patterns:
    email: re.Pattern
    email_words: re.Pattern
    email_words_spelled: re.Pattern
    email_provider: re.Pattern
    email_spoken: re.Pattern
    email_cue: re.Pattern
    url: re.Pattern
    social_hosts: frozenset[str]
    handle_at: re.Pattern
    discord: re.Pattern
    handle_cued: re.Pattern
    handle_quoted: re.Pattern
    handle_at_han: re.Pattern
    handle_id_han: re.Pattern
    handle_stop: frozenset[str]
    username_cued: re.Pattern
    usernames: Gate
    platform_short: frozenset[str]
    number: re.Pattern
    phone_cue: re.Pattern
    iban: re.Pattern
    china_id: re.Pattern
    id_cued: re.Pattern
    street_after: re.Pattern
    street_before: re.Pattern
    street_glued: re.Pattern
    street_number_first: re.Pattern
    street_numbered: re.Pattern
    street_zh: re.Pattern
    address_cued: re.Pattern
    home_cue: re.Pattern
    postcode: re.Pattern
    postcode_cue: re.Pattern
    self_intro: re.Pattern
    self_intro_weak: re.Pattern
    self_intro_full: re.Pattern
    not_a_name: frozenset[str]
    surnames_han: frozenset[str]
    name_stop: frozenset[str]
    name_stop_han: frozenset[str]
    connectors: frozenset[str]
    school_after: re.Pattern
    school_before: re.Pattern
    school_number: re.Pattern
    school_han: re.Pattern
    school_cue: re.Pattern
    school_context: re.Pattern
    street_named: re.Pattern
    address_part: re.Pattern
    address_gap: re.Pattern
    unit: re.Pattern
    school_cued_after: re.Pattern
    school_cued_before: re.Pattern
    school_capture: re.Pattern
    school_needs_cue: frozenset[str]
    school_generic: frozenset[str]
    school_trim_han: str
    school_numbered: re.Pattern
    school_numbered_cue: frozenset[str]
    school_number_name: re.Pattern
    school_trailing_number: re.Pattern
    school_quoted: re.Pattern
    school_arabizi: re.Pattern
    school_name_words: frozenset[str]
    school_name_word_pairs: frozenset[str]
    school_name_titles: frozenset[str]
    school_famous: frozenset[str]
    at_words: Gate
    platforms: Gate
    id_cues: Gate
    streets: Gate
    address_cues: Gate
    postcode_cues: Gate
    self_intros: Gate
    schools: Gate

    def phone_cued(self, folded: str, start: int) -> bool:
        """Whether a cue word ("my number", "رقمي", "加我") comes in the ``PHONE_CUE_WINDOW`` characters of
        ``folded`` before ``start``: a short number, in digits or in words, is a phone only after one."""
        return bool(self.phone_cue.search(folded, max(0, start - PHONE_CUE_WINDOW), start))


@cache
def patterns() -> Patterns:
    common = read_lexicon("common")
    tld = alternation(common.words("tld"))
    wordlike = set(common.words("tld_wordlike"))
    tld_strong = alternation([t for t in common.words("tld") if t not in wordlike])
    second_level = alternation(common.words("second_level"))
    at_words = alternation(common.words("at_word"))
    providers = alternation(common.words("mail_provider"))
    dot_words = alternation(common.words("dot_word"))
    platforms = common.words("platform")
    latin_platforms = alternation([p for p in platforms if p.isascii()])
    other_platforms = alternation([p for p in platforms if not p.isascii() and not HAN_RE.search(p)])
    # Latin names written against Chinese ("我的QQ号是...") are not words of their own.
    glued_platforms = tuple(common.words("platform_glued"))
    han_platforms = alternation([p for p in platforms if HAN_RE.search(p)] + list(glued_platforms))

    local = r"[A-Za-z0-9](?:[A-Za-z0-9._%+\-]{0,62}[A-Za-z0-9_])?"
    label = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
    at = rf"(?:\s?@\s?|\s*[\[({{<]\s*(?:{at_words})\s*[\])}}>]\s*)"
    bracket_dot = rf"\s*[\[({{<]\s*(?:{dot_words})\s*[\])}}>]\s*"
    word_dot = rf"(?:\.|{bracket_dot}|\s+(?:{dot_words})\s+)"
    # Inside the domain a dot has no space after it, or is written out: "ana@gmail.com. In the end" ends at "com".
    inner_dot = rf"(?:\.(?=[A-Za-z0-9])|{bracket_dot}|\s+(?:{dot_words})\s+)"
    # The last dot: plain or bracketed before any domain; written out before a domain that is no word ("dot com",
    # not "punto es"); spaced ("ana@gmail . com") only between a one-word domain and a lowercase strong one.
    email = (
        rf"(?<![A-Za-z0-9._%+\-]){local}{at}{label}(?:{inner_dot}{label})*"
        rf"(?:(?:\.|{bracket_dot})(?:{tld})|\s+(?:{dot_words})\s+(?:{tld_strong}))(?![A-Za-z0-9\-])"
        rf"|(?<![A-Za-z0-9._%+\-]){local}{at}{label}\s?\.\s?(?-i:{tld_strong})(?![A-Za-z0-9\-])"
    )
    # Written plainly (no spaces, no "at"/"dot" words), an address may end in any top-level domain.
    email += rf"|(?<![A-Za-z0-9._%+\-]){local}@{label}(?:\.{label})*\.[A-Za-z]{{2,24}}(?![A-Za-z0-9\-@])"
    email_words = (
        rf"(?<![A-Za-z0-9._%+\-@]){local}(?:{word_dot}{local})*\s+(?:{at_words})\s+{label}(?:{word_dot}{label})*?"
        rf"{word_dot}(?:{tld_strong})(?![A-Za-z0-9\-])"
    )
    email_provider = rf"(?<![A-Za-z0-9._%+\-@]){local}\s+(?:{at_words}|@)\s+(?:{providers})(?![A-Za-z0-9\-.@])"
    spoken_host = rf"\s*[^\W_]{{2,30}}(?:\s*(?:{dot_words})\s*[^\W_]{{2,30}}){{0,2}}\s*(?:{dot_words})\s*"
    spoken_domain = rf"\s*(?<!\w)(?:{at_words})(?!\w){spoken_host}"

    path = r"(?:[/?#][^\s<>\"'\u3000-\u303f\uff00-\uffef]*)?"
    url = (
        r"(?<![A-Za-z0-9])(?:https?|ftp)://[^\s<>\"'\u3000-\u303f\uff00-\uffef]+"
        rf"|(?<![A-Za-z0-9.@/_-])www\d?\.{label}(?:\.{label})*{path}"
        rf"|(?<![A-Za-z0-9.@/_-])(?:{label}\.)+(?:{tld_strong})(?:\.(?:{tld}))?(?![A-Za-z0-9-])(?::\d{{2,5}})?{path}"
        rf"|(?<![A-Za-z0-9.@/_-])(?:{label}\.)+(?:{second_level})\.(?:{tld})(?![A-Za-z0-9-]){path}"
        rf"|(?<![A-Za-z0-9.@/_-])(?:{label}\.)+(?:{tld})(?:/[^\s<>\"']+)"
        rf"|(?<![A-Za-z0-9.@/_-]){label}\s+(?:{dot_words})\s+(?:{tld_strong})(?![A-Za-z0-9-])"
    )

    handle = r"@?[A-Za-z0-9_](?:[A-Za-z0-9_.\-]{0,30}[A-Za-z0-9_])?"
    my_cue = alternation(common.words("handle_my"))
    add_cue = alternation(common.words("handle_add"))
    account = r"(?:id|handle|username|user ?name|name|account|ник|номер|аккаунт)"
    separator = rf"\s*{account}?\s*[:=]\s*|\s+-\s+"
    handle_cued = (
        rf"(?<!\w)(?P<p1>{latin_platforms}|{other_platforms})(?!\w)(?:{separator})(?P<h1>{handle})"
        rf"|(?<!\w)(?:{my_cue})\s+(?:{latin_platforms}|{other_platforms})\w*\s*(?:{account}\s*)?(?:[:=,\-]\s*)?"
        rf"(?:(?:is|it's|its|=|c'est|est|es|это|هو|هي)\s+)?(?P<h2>{handle})"
        rf"|(?<!\w)(?:{add_cue})\s+(?:{latin_platforms}|{other_platforms})\w*\s*(?:{account}\s*)?(?:[:=,\-]\s*)?"
        rf"(?:(?:it's|its|i'm|im|je suis|soy|я)\s+)?(?P<h3>{handle})"
        rf"|(?:{han_platforms})(?:号码|账号|帳號|号|號|id)?\s*(?P<s4>是|为|為|:|=)?\s*(?P<h4>[A-Za-z0-9_\-]{{5,20}})(?![A-Za-z0-9_])"
        # "her Snapchat, ellie.mb_x", "son Snap (rayan.chh)": kept only if it looks like a handle.
        rf"|(?<!\w)(?:{latin_platforms}|{other_platforms})(?!\w)\s*(?:,|\()\s*(?P<h6>{handle})"
        rf"|(?<!\w)(?:{other_platforms})\w*\s*(?:[:\-]|هو|это)?\s*(?P<h5>@?[A-Za-z][A-Za-z0-9_.]{{2,30}})"
    )

    street_after = alternation(words_everywhere("street_after"))
    # A flat, a house and an estate that takes a number are parts of an address too.
    address_part = alternation(
        common.words("address_part") + common.words("unit") + common.words("house") + common.words("estate_numbered")
    )
    address_part_minor = alternation(common.words("address_part_minor"))
    # The number or letter of a part of an address: "imm 5", "Blk 7B", "д. 9/2", "bât C", "lote A-12".
    part_number = (
        r"(?:(?i:no|n°|nº|n|nro|#|№|رقم)\.?\s*)?"
        r"(?:\d{1,5}(?:[-/.]\d{1,4}){0,2}(?:[^\W\d_](?!\w))?(?:\s+(?i:logements|مسكن))?|[^\W\d_]-?\d{1,4}|[A-Z](?!\w))"
        r"(?!\w|\s?\d)"
    )
    address_part_after = alternation(common.words("address_part_after"))
    estate_before = alternation(common.words("estate_before") + common.words("estate_numbered"))
    building_after = alternation(common.words("building_after"))
    street_before = alternation(words_everywhere("street_before"))
    street_glued = alternation(common.words("street_glued"))
    connectors = words_everywhere("name_connector") + common.words("name_connector")
    connector = alternation(connectors)
    house_mark = alternation(common.words("house_mark") + common.words("house"))
    capital_word = rf"[{_CAPITAL}][\w'\-]*"
    any_word = r"[^\W\d_][\w'\-]*"
    name_part = rf"(?:(?:{connector})\s+){{0,2}}(?:d')?{capital_word}"  # "de los Almendros"
    street_name = rf"{name_part}(?:\s+{name_part}){{0,3}}"
    number = r"\d{1,5}(?:\s?(?:bis|ter)|[A-Za-z](?![A-Za-z]))?"
    street_zh = alternation(unspaced_words("street_suffix"), spaced=False)
    estate_zh = alternation(unspaced_words("estate_suffix"), spaced=False)

    school_after = alternation(words_everywhere("school_after", "school_after_cue"))
    school_before = alternation(words_everywhere("school_before", "school_before_cue"))
    school_cue = cue_regex("school_cue")
    school_han = alternation(unspaced_words("school_suffix") + unspaced_words("school_after_cue"), spaced=False)
    # [school_numbered] kinds take a number with or without a mark ("сош 12", "сош № 12"); [school_number]
    # kinds only with one ("школа № 5", not "школа 5 раз").
    school_number = alternation(words_everywhere("school_number", "school_numbered"))
    # Abbreviations are matched as written ("CEG Les Rôniers", "PS 118"), never as words ("as", "is", "ps");
    # [school_abbrev_numbered] ones only with a number ("PS 118", not "PS Sorry I was late"); those that are
    # [school_numbered] kinds too ("ceg") take their number there, in any case.
    school_abbrev = alternation([w.upper() for w in words_everywhere("school_abbrev")])
    numbered_kinds = {fold_entry(w) for w in words_everywhere("school_numbered")}
    school_abbrev_numbered = alternation(
        [
            w.upper()
            for w in words_everywhere("school_abbrev", "school_abbrev_numbered")
            if fold_entry(w) not in numbered_kinds
        ]
    )
    school_numbered = alternation(words_everywhere("school_numbered"))
    school_quoted = alternation(words_everywhere("school_quoted"))
    school_after_number = alternation(words_everywhere("school_after_number"))
    school_arabizi = alternation(words_everywhere("school_arabizi"))
    # A number that is a school's, not an amount or a year: "CEG Zogbadjè 2", "secu 247"; not "12 ans", "3 days",
    # "escuela 3 veces", "CBSE 2024".
    amount_units = (
        r"ans|años|years?|yrs|days?|jours?|días|дней|лет|года?|سنة|سنوات|سنين|h|min|times|veces|fois|раз|مرات"
    )
    not_amount = rf"(?![\d.,:/%°]|\s*(?i:{amount_units})(?!\w))"
    school_digits = r"(?!(?:19|20)\d\d(?!\d))\d{1,4}"
    proper = rf"(?:[{_CAPITAL}][\w'.\-]*|\d{{1,3}}(?:st|nd|rd|th)?)"

    return Patterns(
        email=re.compile(email, re.I),
        email_words=re.compile(email_words, re.I),
        # "sam at gmail.com", "sam at school dot org"; not "a video at instagram.com"
        email_words_spelled=re.compile(
            rf"[\s\[({{<](?:{dot_words})[\s\])}}>]|(?<![A-Za-z0-9])(?:{providers})(?![A-Za-z0-9])", re.I
        ),
        email_provider=re.compile(email_provider, re.I),
        # Every dot and the at written as words, the domain perhaps in the language's letters:
        # "marcelo punto quintero arroba mailnube punto es", "lisichka_2009 собака kotomail точка ру",
        # "sara.k2008 آت جيميل دوت كوم", "wangyue 艾特 xiaoxiongmail 点 com", "yuxuan0812 at xmail点cn".
        # The name holds a digit, a "." or "_", or a dot word ("lui point ma", "at noon point me" are prose); a
        # domain that is also a word ("punto es", "point ma") only after a name with a "." or "_" or a dot word.
        email_spoken=re.compile(
            rf"(?<![A-Za-z0-9._%+\-@])(?:(?=[A-Za-z0-9%+\-]*(?:\d|_|\.[A-Za-z0-9])){local}"
            rf"(?:\s+(?:{dot_words})\s+{local}){{0,3}}{spoken_domain}(?:{tld_strong}|ру|рф|ком|كوم|نت)"
            rf"|(?=[A-Za-z0-9%+\-]*(?:_|\.[A-Za-z0-9])|{local}\s+(?:{dot_words})\s){local}"
            rf"(?:\s+(?:{dot_words})\s+{local}){{0,3}}{spoken_domain}(?:{tld}|ру|рф|ком|كوم|نت)"
            # An at that is no other word: "wangyue 艾特 xiaoxiongmail 点 com".
            rf"|{local}\s*(?<!\w)(?:arroba|arobase|艾特|آت)(?!\w){spoken_host}"
            rf"(?:{tld_strong}|ру|рф|ком|كوم|نت))(?![\w\-])",
            re.I,
        ),
        email_cue=cue_regex("email_cue"),
        url=re.compile(url, re.I),
        social_hosts=frozenset(common.words("social_host")),
        handle_at=re.compile(r"(?<![A-Za-z0-9_.@#])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?(?![A-Za-z0-9_@])"),
        discord=re.compile(r"(?<![\w#])[A-Za-z0-9_.]{2,32}#\d{4}(?!\d)"),
        handle_cued=re.compile(handle_cued, re.I),
        # A name in quotes after an app or a channel and a word that names it: "b站搜“不吃香菜的阿南”",
        # "我微博叫「…」", "ютуб-канал «Ангелина Лайф»", "قناتي على يوتيوب اسمها «…»", "ma chaîne c'est « … »".
        handle_quoted=re.compile(
            rf"(?:(?:(?<!\w)(?:{latin_platforms}|{other_platforms}|channel|chaîne|canal|канал|قناة|قناتي)|{han_platforms}|[bB]站)"
            r"[^\n「“\"«『」”»』]{0,20}?"
            r"(?:叫|搜|(?<!\w)(?:called|named|c'est|se llama|اسمها|اسمه|называется|канал|channel|chaîne|canal))"
            # An ID, a word of its own ("我的ID叫「…」"; not "said", "video"), is not "called" like a book or a film.
            r"|(?<![A-Za-z])id(?![A-Za-z])[^\n「“\"«『」”»』]{0,20}?"
            r"(?:叫|搜|(?<!\w)(?:c'est|se llama|اسمها|اسمه|называется)))"
            r"\s*[:：]?\s*[「“\"«『]\s*(?P<handle>[^」”\"»』\n]{2,30}?)\s*[」”\"»』]",
            re.I,
        ),
        # A Latin app name and "ID" against Chinese, which the platform gate cannot see as words:
        # "我的Line ID是pinyan0521", "我的tiktok ID为pinyan0521", "LINE ID 是 ming0715".
        handle_id_han=re.compile(
            rf"(?<![A-Za-z])(?:{latin_platforms}|line)\s*id\s*(?:是|為|为)\s*(?P<handle>[A-Za-z0-9_.\-]{{3,30}})"
            r"(?![A-Za-z0-9_])",
            re.I,
        ),
        handle_at_han=re.compile(rf"(?<![A-Za-z0-9_@])@(?=[\w]{{0,19}}[{languages.HAN}])[\w]{{1,20}}"),
        handle_stop=frozenset(common.words("handle_stop")),
        # "my username on roblox is xX_shadow_Xx", "mon pseudo c'est DarkKnight_75", "我的游戏账号是dragon_fire_88":
        # a name with a digit, an underscore, a dot or a capital inside, up to four words after the cue.
        username_cued=re.compile(
            rf"(?i:{cue_regex('username_cue').pattern})(?:\s*[^\s:=：]+){{0,4}}?\s*"
            r"(?:[:=：]|(?i:is|c'est|est|es|это|هو)(?!\w)|是|为)?\s*"
            r"(?P<handle>@?(?=[A-Za-z0-9_.\-]*(?:\d|_|[a-z][A-Z]))[A-Za-z0-9][A-Za-z0-9_.\-]{2,29})(?![A-Za-z0-9_])"
        ),
        usernames=gate(words_everywhere("username_cue")),
        platform_short=frozenset(common.words("platform_short")),
        number=re.compile(r"(?<![0-9A-Za-z+.,(])\(?(?:\+\s?|00)?\(?\d(?:[\d \-.()/]{0,24}\d)?"),
        phone_cue=cue_regex("phone_cue"),
        iban=re.compile(
            r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])", re.I
        ),
        china_id=re.compile(r"(?<!\d)\d{6}(?:19|20)\d{2}[01]\d[0-3]\d\d{3}[\dXx](?![\dA-Za-z])"),
        id_cued=re.compile(
            rf"(?:{cue_regex('id_cue').pattern})\s*(?:(?:number|no|num|nr|n°|nº|#|№|номер|серия|رقم|号码|号)\.?\s*)?"
            r"(?:(?:is|est|es|это|هو|是|:|=|：)\s*)?"
            r"(?P<id>[A-Za-z0-9](?:[A-Za-z0-9\-]*)(?: [A-Za-z0-9\-]+){0,3})",
            re.I,
        ),
        street_after=re.compile(
            rf"(?<![\w.,])(?P<number>{number}),?\s+(?P<name>{any_word}(?:\s+{any_word}){{0,3}})\s+"
            rf"(?P<kind>{street_after})\.?(?!\w)",
            re.I,
        ),
        street_before=re.compile(
            rf"(?<!\w)(?i:{street_before})\.?\s*(?P<name>{street_name})[,،]?\s*(?:(?i:{house_mark})\.?\s*)?"
            rf"(?P<number>\d{{1,4}}[A-Za-z]?)(?![\d.,]?\d)(?:[,،]?\s*(?i:кв|квартира|apt|appartement|piso|شقه)\.?\s*\d{{1,4}})?"
        ),
        # A numbered street, then a house or a flat: "شارع 15، منزل 7", "calle 8 nº 12", "Street 5, flat 2".
        street_numbered=re.compile(
            rf"(?<!\w)(?i:{street_before})\.?\s*\d{{1,4}}[A-Za-z]?[,،]?\s*"
            rf"(?i:{house_mark}|{alternation(common.words('unit'))})\.?\s*\d{{1,4}}[A-Za-z]?(?![\d.,]?\d)"
        ),
        street_glued=re.compile(
            rf"(?<![\w'\-])[{_CAPITAL}][\w'\-]*?[ \-]?(?i:{street_glued})\.?\s*\d{{1,4}}[A-Za-z]?(?![\d.,]?\d)"
        ),
        street_number_first=re.compile(
            rf"(?<![\w.,])\d{{1,5}}(?:\s?(?:bis|ter))?,?\s+(?:{street_before})\.?\s+(?:(?:{connector})\s+|d')?"
            rf"{any_word}(?-i:(?:\s+(?:(?:{connector})\s+|d')?{capital_word}){{0,3}})",
            re.I,
        ),
        street_zh=re.compile(
            rf"[{languages.HAN}]{{1,14}}(?:{street_zh})\d{{1,5}}[号號](?:\d{{1,5}}(?:号楼|號樓|栋|棟|幢|单元|單元|室|楼|樓|层|層))*"
            rf"|[{languages.HAN}]{{2,14}}(?:{estate_zh})\d{{1,4}}(?:号楼|號樓|栋|棟|幢)"
            rf"(?:\d{{1,5}}(?:单元|單元|室|楼|樓|层|層))*"
        ),
        address_cued=re.compile(rf"(?:{cue_regex('address_cue').pattern})\s*[:：,]?\s*", re.I),
        home_cue=cue_regex("home_cue"),
        # Postcodes of many countries: the UK, Canada, Kazakhstan, Argentina, the Netherlands; ZIP and ZIP+4,
        # Brazil, Portugal, Poland, Japan; five and six digits, six with a space (India), and four digits
        # (Australia, Belgium, Switzerland...), which ``find_postcodes`` takes only after a postcode's cue.
        postcode=re.compile(
            r"(?<![A-Za-z0-9])(?:[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d|[A-Z]\d\d[A-Z]\d[A-Z]\d"
            r"|[A-Z]\d{4}(?:[A-Z]{3})?|\d{4} ?[A-Z]{2}|\d{5}-\d{3,4}|\d{2,4}-\d{3}|\d{3}-\d{4}|\d{5}|\d{3} ?\d{3}"
            r"|\d{4})(?![A-Za-z0-9])",
            re.I,
        ),
        postcode_cue=cue_regex("postcode_cue"),
        self_intro=cue_regex("self_intro"),
        self_intro_weak=cue_regex("self_intro_weak"),
        self_intro_full=cue_regex("self_intro_full"),
        not_a_name=frozenset(common.words("not_a_name")),
        surnames_han=frozenset("".join(unspaced_words("surname_han"))),
        name_stop=frozenset(words_everywhere("name_stop")),
        name_stop_han=frozenset("".join(unspaced_words("name_stop_han"))),
        connectors=frozenset(connectors),
        school_after=re.compile(rf"(?<![\w'])(?P<name>(?:{proper}\s+){{1,5}})(?P<kind>(?i:{school_after}))(?![\w-])"),
        school_before=re.compile(
            rf"(?<![\w.])(?:\d{{1,3}}(?:e|ème|er|st|nd|rd|th)\s+)?(?P<kind>(?i:{school_before})|{school_abbrev})\s+"
            rf"(?:\d{{1,4}}\s+(?=[{_CAPITAL}]))?(?P<name>(?:(?:{connector})\s+|d')?"
            rf"(?:{capital_word}|«[^»]{{2,40}}»|\"[^\"]{{2,40}}\")(?:\s+(?:(?:{connector})\s+|d')?{capital_word}){{0,4}})"
        ),
        school_number=re.compile(
            rf"(?<!\w)(?:{school_number})\s*(?:№|n[°ºo]|no\.?|nr\.?|num\.?|номер|#|رقم)\s*{school_digits}(?!\d)", re.I
        ),
        # A kind and a bare number: "secu 247", "PS 118", "сош 12", "الثانوية ٣٢"; "64й школе".
        school_numbered=re.compile(
            rf"(?<![\w.])(?:(?i:{school_numbered})\s*{school_digits}|(?:{school_abbrev_numbered})\s*(?:no\.?\s*)?"
            rf"(?=\d\d){school_digits})(?!\d){not_amount}"
            rf"|(?<![\w.,])\d{{1,4}}-?(?:й|я|ой|ая|ую|ом|ей)\s+(?i:{school_after_number})(?!\w)"
        ),
        # A club, studio or camp named in quotes: "клуб «Беркут»", "секции бокса «Арена-7»".
        school_quoted=re.compile(
            rf"(?<![\w-])(?P<kind>(?i:{school_quoted}))(?:\s+(?![а-яё]*(?:ли|ла|л|ть)(?!\w))[а-яё]{{3,}})?\s*"
            r"(?:«[^»\n]{1,40}»|\"[^\"\n]{1,40}\"|“[^”\n]{1,40}”)"
        ),
        # Arabic written in Latin letters: "nadi el sho3la lel sebaha", "madraset el nahda el 5asa".
        school_arabizi=re.compile(
            rf"(?<!\w)(?i:{school_arabizi})\s+(?:el|al|il)[ -][\w']+(?:\s+(?:el|al|il|lel|lil)[ -][\w']+){{0,3}}"
        ),
        # Kinds that with a number name a school only where one is talked of: "FC 25" is a game, "UE 27" the EU.
        school_numbered_cue=frozenset(fold_entry(w) for w in words_everywhere("school_numbered_cue")),
        # A word after a numbered school's name, on its line: "PS 118 Lincoln", not "PS 118\nToday", "PS 118 The".
        school_number_name=re.compile(rf"[^\S\n]+(?:(?P<link>{connector})|(?P<word>{capital_word}))(?![\w'\-])"),
        school_trailing_number=re.compile(rf"[^\S\n]+\d{{1,3}}(?![^\W\d]){not_amount}"),
        school_name_words=frozenset(fold_entry(w) for w in words_everywhere("school_name_word")),
        school_name_word_pairs=frozenset(fold_entry(w) for w in words_everywhere("school_name_word_pair")),
        school_name_titles=frozenset(fold_entry(w) for w in words_everywhere("school_name_title")),
        school_famous=frozenset(fold_entry(w) for w in words_everywhere("school_famous")),
        # "第四中学" ends in "四中学", not "四中"; "四中学生" are its pupils.
        school_han=re.compile(rf"(?P<name>[{languages.HAN}\d]{{1,14}}?)(?P<kind>{school_han})(?:(?<=中)学)?(?![生])"),
        school_cue=school_cue,
        # Someone in the sentence places the school: "my friend Sarah from Greenwood Academy", "Mr. Kamau at...".
        school_context=cue_regex("school_cue", "person", "title", "title_capital", "title_lower", "title_after"),
        # A name, its kind, then the number: "5th Avenue 12", "Harbour Street 8".
        street_named=re.compile(
            rf"(?<![\w.'\-])(?:(?:[{_CAPITAL}][\w'\-]*+|\d{{1,3}}(?:st|nd|rd|th))\s+){{1,3}}(?i:{street_after})\.?,?\s+"
            r"(?!(?:19|20)\d\d(?!\d))\d{1,4}[A-Za-z]?(?![\d.,]?\d)(?!\s*(?:%|years?|times|people|km|miles|min))"
        ),
        # The parts of an address that find_addresses chains: a numbered part ("imm 5", "д. 9", "عمارة ٩",
        # "Mz. F", "4th floor", "5 мкр"), the name of an estate or a building ("Résidence Al Amal", "حي السلام",
        # "Marlowe House"). Each part is bounded: no quantifier repeats another unbounded one.
        address_part=re.compile(
            rf"(?P<numbered>(?<![\w.])(?i:{address_part}|{street_before})\.?\s*{part_number}"
            rf"|(?<![\w.,])\d{{1,4}}(?:st|nd|rd|th|e|ème|er|-?й|-?я)?\s*(?i:{address_part_after})\.?(?!\w)"
            r"|(?<!\w)(?:الطابق|طابق|الدور|دور|dor el|el dor)\s+[\w]{3,}"
            # A word that numbers much else ("Gate 2", "house 41", "phase 1") or a marked number ("#12", "n° 4",
            # "رقم 37"): a part only beside one led by another address word ("Calle 17 #354", "House 42, Road 11").
            rf")|(?P<minor>(?<![\w.])(?i:{address_part_minor})\.?\s*{part_number}"
            r"|(?<![\w.])(?:#\s?|n[°º]\s?|(?i:no\.|number|nro\.?)\s?|رقم\s?)\d{1,5}(?:-\d{1,4})?(?!\w|\s?\d)"
            # A bare number after a comma carries a chain on but is no part: "Question 5, 6", "lot 5, 6" are lists.
            r")|(?P<extra>(?:(?<=[,،]\s)|(?<=[,،]))(?!(?:19|20)\d\d(?!\d))\d{1,4}(?:[-/]\d{1,4})?[^\W\d_]?(?!\w|\s?\d|[.,]\d)"
            # "Садовой 7 кв 45", "Sicap Liberté 6, villa n°112": a name and a number, beside another part.
            r")|(?P<weak>(?<![\w.'\-])(?!(?i:level|grade|year|chapter|season|episode|part|room|page|class|top|step|round)\b)"
            r"[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'\-]++,?\s+(?!(?:19|20)\d\d(?!\d))\d{1,4}[^\W\d_]?(?:[-/]\d{1,4})?(?!\w|\s?\d|[.,]\d))"
            rf"|(?P<named>(?<!\w)(?i:{estate_before}|{street_before})(?:\.|(?!\w))\s*"
            rf"(?:{street_name}|«[^»\n]{{2,40}}»|\"[^\"\n]{{2,40}}\"|[\u0620-\u064a]{{2,}}(?:\s+ال[\u0620-\u064a]+){{0,2}}"
            r"|(?:el|al)[ -]\w+(?:\s+(?:el|al)[ -]\w+){0,2})"
            rf"|(?<![\w.'\-])(?:[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'\-]*+\s+){{1,3}}(?i:{building_after}|{street_after}|{street_before})\.?(?!\w))"
        ),
        # What may stand between two parts of one address.
        address_gap=re.compile(r"[\s,،;:\-–]*(?:(?i:del?|de la|of|in|at|à|في|ب)\s+)?"),
        # A flat, floor or building after a street address: "apartment 3", "2ºB", "кв. 12", "شقة 4".
        unit=re.compile(
            rf"[,،]?\s*(?:(?i:{alternation(common.words('unit'))})\.?\s*(?:n[°º]\s*)?"
            # NFKC has made "º" and "ª" the letters "o" and "a": "2ºB" reads "2oB".
            r"(?:\d{1,4}[A-Za-z]?|[A-Z](?!\w))|\d{1,2}(?:[°ºªoa]|\s[°ºª])(?:\s?[A-Za-z](?![A-Za-z])|\s?\d{1,2}[ºªoa])?"
            r"(?:\s+(?i:piso|planta|étage|floor|этаж))?"
            # An Arabic floor in words: "الطابق الثالث", "الدور الثاني".
            r"|(?:الطابق|طابق|الدور)\s+[\u0620-\u064a]+"
            r"|\d{1,2}(?:e|er|ème)\s+étage)(?:\s*(?i:izquierda|derecha|izq|dcha)\.?)?(?!\w)"
        ),
        school_cued_after=re.compile(
            rf"(?:{school_cue.pattern})\s+(?P<name>(?:[\w'.\-]+\s+){{1,5}}?(?:{school_after}))(?!\w)",
            re.I,
        ),
        school_cued_before=re.compile(
            rf"(?:{school_cue.pattern})\s+(?P<name>(?:{school_before})\s+\S+(?:\s+\S+){{0,3}})",
            re.I,
        ),
        school_capture=re.compile(rf"(?:{cue_regex('school_capture').pattern})\s*[:：,]?\s*", re.I),
        school_needs_cue=frozenset(words_everywhere("school_after_cue", "school_before_cue")),
        school_generic=frozenset(words_everywhere("school_generic")),
        school_trim_han="".join(unspaced_words("school_trim_han")),
        at_words=gate(common.words("at_word")),
        platforms=gate(platforms, glued=glued_platforms),
        id_cues=gate(words_everywhere("id_cue")),
        streets=gate(
            words_everywhere("street_before") + unspaced_words("street_suffix") + unspaced_words("estate_suffix")
        ),
        address_cues=gate(words_everywhere("address_cue")),
        postcode_cues=gate(words_everywhere("postcode_cue")),
        self_intros=gate(words_everywhere("self_intro", "self_intro_weak", "self_intro_full")),
        schools=gate(
            words_everywhere(
                "school_after",
                "school_after_cue",
                "school_before",
                "school_before_cue",
                "school_number",
                "school_capture",
                "school_suffix",
                "school_abbrev",
                "school_numbered",
                "school_quoted",
                "school_arabizi",
            )
        ),
    )
