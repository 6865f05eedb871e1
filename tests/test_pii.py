"""Personal information beyond self-introductions: other people's names, schools, addresses, accounts.

``data/pii_corpus.jsonl`` holds youth writing in the six languages, each line with the spans of personal
information expected in it (none in a clean answer) and a split. The corpus was written and committed before
the rules; the rules were then tuned on ``dev`` only, and ``heldout`` was measured once, at the end
(``bench/bench_pii.py`` prints the table). Its first run, kept as it was:

    heldout  en  recall 1.000 (24 spans)  clean altered 0.000 (22)
    heldout  fr  recall 1.000 (22)        clean altered 0.000 (20)
    heldout  es  recall 0.909 (22)        clean altered 0.000 (20)
    heldout  ru  recall 1.000 (21)        clean altered 0.000 (20)
    heldout  ar  recall 1.000 (22)        clean altered 0.050 (20)
    heldout  zh  recall 0.952 (21)        clean altered 0.000 (20)
    heldout all  recall 0.977 (132)       clean altered 0.008 (122)

It missed "Escuela Secundaria Técnica 45", "Paseo de la Reforma 222, piso 3" and "上海市第二中学", and took
"مدرسة مسؤول عن الأمان الرقمي" ("a person in charge in every school...") for a school's name. These are left
as they were, so that the held-out figures stay honest; dev stands at 0.992 and 0.000.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from functools import cache
from pathlib import Path

import pytest

from consult import languages
from consult.moderation.intake import screening_fields
from consult.moderation.screening import PII_KINDS, screen

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "pii_corpus.jsonl"


@cache
def _bench():
    """The measurement of ``bench/bench_pii.py`` itself, so that the test and the bench cannot disagree."""
    spec = importlib.util.spec_from_file_location("bench_pii", ROOT / "bench" / "bench_pii.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up while being defined
    spec.loader.exec_module(module)
    return module


def found(text: str, lang: str) -> list[tuple[str, str]]:
    return [(span.kind, span.text) for span in screen(text, lang).pii]


# --- the targets, on the held-out split ---------------------------------------------------------


def test_held_out_span_recall_and_clean_answers_altered_meet_the_targets():
    bench = _bench()
    scores = bench.measure(bench.read_corpus(CORPUS))
    held_out = scores[("all", "heldout")]
    assert held_out.recall >= 0.97, held_out.misses
    assert held_out.altered_share <= 0.03, held_out.false_alarms
    for lang in languages.codes():
        # Per language, with about twenty spans each, one miss is 0.05: a floor below the overall target.
        score = scores[(lang, "heldout")]
        assert score.recall >= 0.9, (lang, score.misses)
        assert score.altered_share <= 0.05, (lang, score.false_alarms)


def test_dev_split_meets_the_targets_too():
    bench = _bench()
    dev = bench.measure(bench.read_corpus(CORPUS))[("all", "dev")]
    assert dev.recall >= 0.97, dev.misses
    assert dev.altered == 0, dev.false_alarms


def test_the_second_writers_lines_keep_what_was_reached_on_them():
    """``dev-2`` (another writer's lines, read to improve the rules and, since, to train the tagger: 0.988 now)
    stays where they brought it, within the target's 0.03 of clean lines altered."""
    bench = _bench()
    dev = bench.measure(bench.read_corpus(CORPUS))[("all", "dev-2")]
    assert dev.recall >= 0.95, dev.misses
    assert dev.altered_share <= 0.03, dev.false_alarms


def test_the_third_writers_held_out_lines_keep_what_the_tagger_reached():
    """``heldout-3`` (a third writer, kept apart from the start, never read to tune anything): the rules alone
    found 0.457 of its spans; with the tagger 0.772, 0.866 after the ninth round and 0.898 after the tenth (clean
    lines altered 0.015). Short of the 0.97 target: a floor against going back."""
    bench = _bench()
    held_out = bench.measure(bench.read_corpus(CORPUS))[("all", "heldout-3")]
    assert held_out.recall >= 0.85, held_out.misses
    assert held_out.altered_share <= 0.03, held_out.false_alarms


def test_the_fourth_writers_held_out_lines_keep_what_the_tagger_reached():
    """``heldout-4`` (a fourth writer, all six languages, kept apart from the start): first read with the
    tagger before this round, 0.809 of its spans, clean lines altered 0.044 (4 of 90); after it (more training
    lines, short name forms and the world's given names, the regression's C, usernames joined by "_",
    institutions of every kind, names listed beside a name) 0.895, 4 of 90; after the tenth (a name with an age,
    rarer surnames, public names without accents or in another case, subjects before a title, titles of works,
    towns, trap lines; a stricter threshold) 0.890, 2 of 90.
    Short of the recall target (0.97): a floor against going back."""
    bench = _bench()
    held_out = bench.measure(bench.read_corpus(CORPUS))[("all", "heldout-4")]
    assert held_out.recall >= 0.88, held_out.misses
    assert held_out.altered_share <= 0.03, held_out.false_alarms


def test_the_fifth_writers_held_out_lines_keep_what_the_tagger_reached():
    """``heldout-5`` (a fifth writer, 300 lines, written in the tenth round from a brief alone and kept apart):
    first read with that round's tagger before its last changes, 0.810 of 274 spans, 11 of 108 clean lines
    altered; after them (towns, trap lines, titles of works, a stricter threshold), 0.788 and 9. Far from the
    targets (0.97 and 0.03): a floor against going back, and the honest figure for writing nobody here has
    seen. 0.843 and 8 in the fourteenth round, once the tagger read an answer's letters as written where the rules
    read a folded copy (a vowel mark or a tanwin had sent it "سلمي" for "سلمى")."""
    bench = _bench()
    held_out = bench.measure(bench.read_corpus(CORPUS))[("all", "heldout-5")]
    assert held_out.recall >= 0.82, held_out.misses
    assert held_out.altered_share <= 0.12, held_out.false_alarms


def test_the_sixth_writers_held_out_lines_keep_what_was_reached():
    """``heldout-6`` (a sixth writer, 300 lines, written in the eleventh round from the fifth's brief, kept apart
    and read only in aggregate): first read 0.794 of 272 spans, 6 of 108 clean lines altered; after the round
    (free numbers, postcodes, numbers in words, the tagger retrained with ``dev-3``) 0.812 and 5; 0.827 and 5 in the
    fourteenth (institutions named in quotes). A floor."""
    bench = _bench()
    held_out = bench.measure(bench.read_corpus(CORPUS))[("all", "heldout-6")]
    assert held_out.recall >= 0.81, held_out.misses
    assert held_out.altered_share <= 0.08, held_out.false_alarms


def test_the_seventh_writers_held_out_lines_keep_what_was_reached():
    """``heldout-7`` (a seventh writer, 300 lines, written in the twelfth round: other people named without a cue,
    schools, clubs and hospitals by their names, directions with a number; kept apart and read only in
    aggregate): first read 0.778 of 325 spans, 7 of 107 clean lines altered; with the tagger retrained on
    ``dev-4`` 0.812 and 7, on ``dev-5`` too 0.828 and 7; 0.849 and 6 in the fourteenth round (the tagger reading
    the letters as written, hospitals by their names; Arabic 0.717 -> 0.792). A floor."""
    bench = _bench()
    held_out = bench.measure(bench.read_corpus(CORPUS))[("all", "heldout-7")]
    assert held_out.recall >= 0.83, held_out.misses
    assert held_out.altered_share <= 0.08, held_out.false_alarms


def test_names_without_a_cue_and_schools_by_their_names_keep_what_was_reached():
    """``dev-4`` (480 lines the tagger learns from: private people named with no cue word, in lists, cases and
    nicknames; schools, clubs, centres and hospitals by their proper names; clean lines of names that are
    words, public people and unnamed institutions): 0.885 of 407 spans, 3 of 180 clean lines altered once the tagger
    learned from it; 0.897 and 3 once it learned from ``dev-5`` too; 0.919 and 3 in the fourteenth round."""
    bench = _bench()
    dev = bench.measure(bench.read_corpus(CORPUS))[("all", "dev-4")]
    assert dev.recall >= 0.90, dev.misses
    assert dev.altered_share <= 0.03, dev.false_alarms


def test_contact_details_in_every_format_keep_what_was_reached():
    """``dev-3`` (420 lines of phones, postcodes, addresses, e-mails and handles in the formats of many
    countries, and clean lines of helplines, codes and counts; the eleventh round's rules were tuned on it):
    0.860 of 394 spans and 35 of 150 clean lines altered before, 0.942 and 11 after."""
    bench = _bench()
    dev = bench.measure(bench.read_corpus(CORPUS))[("all", "dev-3")]
    assert dev.recall >= 0.92, dev.misses
    assert dev.altered_share <= 0.09, dev.false_alarms


def test_corpus_lines_are_well_formed_and_each_language_has_enough_of_both():
    counts: dict[tuple[str, bool], int] = {}
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        assert set(item) == {"text", "language", "spans", "split"}
        assert item["language"] in languages.codes()
        assert item["split"] in (
            "dev",
            "heldout",
            "dev-2",
            "heldout-2",
            "heldout-3",
            "heldout-4",
            "heldout-5",
            "dev-3",
            "heldout-6",
            "dev-4",
            "dev-5",
            "heldout-7",
            "train-pii",
        )
        for span in item["spans"]:
            assert span["kind"] in PII_KINDS
            assert span["text"] and span["text"] in item["text"]
        key = (item["language"], bool(item["spans"]))
        counts[key] = counts.get(key, 0) + 1
    for lang in languages.codes():
        assert counts[(lang, True)] >= 39 and counts[(lang, False)] >= 40, lang


# --- the examples -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, lang, expected",
    [
        (
            "my friend Sarah Jones from Greenwood Academy",
            "en",
            [("name", "Sarah Jones"), ("school", "Greenwood Academy")],
        ),
        ("Mr. Kamau at Starehe Boys Centre", "en", [("name", "Kamau"), ("school", "Starehe Boys Centre")]),
        ("I live at 5th Avenue 12, apartment 3", "en", [("address", "5th Avenue 12, apartment 3")]),
        ("мой друг Саша Петров", "ru", [("name", "Саша Петров")]),
        ("mi amiga Lucía", "es", [("name", "Lucía")]),
        ("mon prof M. Dupont", "fr", [("name", "Dupont")]),
        ("我的朋友王小明", "zh", [("name", "王小明")]),
        ("صديقي أحمد", "ar", [("name", "أحمد")]),
        ("王老师说不要分享密码", "zh", [("name", "王")]),
        ("наша учительница Мария Ивановна", "ru", [("name", "Мария Ивановна")]),
        ("la maestra Sra. López", "es", [("name", "López")]),
        ("جاري أبو محمد", "ar", [("name", "أبو محمد")]),
        ("je suis au lycée Victor Hugo", "fr", [("school", "lycée Victor Hugo")]),
        ("я учусь в школе № 57", "ru", [("school", "школе № 57")]),
        ("estudio en el Colegio San José", "es", [("school", "Colegio San José")]),
        ("我在北京市第四中学上学", "zh", [("school", "北京市第四中学")]),
        ("أدرس في مدرسة الأمل", "ar", [("school", "مدرسة الأمل")]),
        ("j'habite au 12 rue de Lyon", "fr", [("address", "12 rue de Lyon")]),
        ("я живу на ул. Ленина, д. 5, кв. 12", "ru", [("address", "ул. Ленина, д. 5, кв. 12")]),
        ("vivo en la Calle Mayor 3, 2ºB", "es", [("address", "Calle Mayor 3, 2ºB")]),
        ("我住在朝阳区建国路88号", "zh", [("address", "朝阳区建国路88号")]),
        ("أسكن في شارع الملك فهد ١٢", "ar", [("address", "شارع الملك فهد ١٢")]),
        ("أسكن في شارع الملك فهد، بناية 12، شقة 3", "ar", [("address", "شارع الملك فهد، بناية 12، شقة 3")]),
        ("بيتنا في حي النزهة، شارع 15، منزل 7", "ar", [("address", "حي النزهة، شارع 15، منزل 7")]),
        ("vivo en Avenida Libertador 1234, 5° piso", "es", [("address", "Avenida Libertador 1234, 5° piso")]),
        ("صديقتي مريم الحسن تتلقى رسائل", "ar", [("name", "مريم الحسن")]),
        ("صديقي علي حسن الشمري يلعب", "ar", [("name", "علي حسن الشمري")]),
        ("صديقي أحمد الذي يدرس معي", "ar", [("name", "أحمد")]),
        ("من مدرسة الأمل الثانوية تتلقى رسائل", "ar", [("school", "مدرسة الأمل الثانوية")]),
        ("أدرس في مدرسة عمر بن الخطاب في الرياض", "ar", [("school", "مدرسة عمر بن الخطاب")]),
        ("my brother Tom goes to St Peter's Primary", "en", [("name", "Tom"), ("school", "St Peter's Primary")]),
        ("our coach, Mr Daniels, at Riverside FC", "en", [("name", "Daniels"), ("school", "Riverside FC")]),
        (
            "Сестра учится в Приозёрском государственном университете",
            "ru",
            [("school", "Приозёрском государственном университете")],
        ),
        ("my username on roblox is xX_shadow_Xx", "en", [("social", "xX_shadow_Xx")]),
        ("mon pseudo sur Roblox c'est DarkKnight_75", "fr", [("social", "DarkKnight_75")]),
        ("我的游戏账号是dragon_fire_88", "zh", [("social", "dragon_fire_88")]),
        # A word joined by an underscore is a username even with no app named before it.
        ("on se parle ce soir, je suis lou_mrt2010 là-bas", "fr", [("social", "lou_mrt2010")]),
        ("пишите мне, я Котик_Мурзик в игре", "ru", [("social", "Котик_Мурзик")]),
        ("لو حابين تلعبوا معي ضيفوني نمر_الصحراء", "ar", [("social", "نمر_الصحراء")]),
        ("búscame como la.negra_07 y te cuento", "es", [("social", "la.negra_07")]),
        # Institutions of every kind, with the head word and the name, not the town after it.
        (
            "le mercredi je vais à la maison des jeunes Les Cigales, on joue",
            "fr",
            [("school", "maison des jeunes Les Cigales")],
        ),
        (
            "on s'entraîne au club de natation Les Otaries, c'est cool",
            "fr",
            [("school", "club de natation Les Otaries")],
        ),
        ("au lycée pilote de Sidi Bouzid on a un club robotique", "fr", [("school", "lycée pilote de Sidi Bouzid")]),
        ("au CEG Houéyiho 2 on a pas de wifi", "fr", [("school", "CEG Houéyiho 2")]),
        ("last year at PS 214 our teacher read every chat", "en", [("school", "PS 214")]),
        ("the 2nd Lakemoor Scouts never post where camp is", "en", [("school", "2nd Lakemoor Scouts")]),
        ("the Pinewood Dance Studio posts our videos with our names", "en", [("school", "Pinewood Dance Studio")]),
        ("en la secu 112 nadie sabe bloquear a un acosador", "es", [("school", "secu 112")]),
        ("fui al campamento Río Claro y nos quitaron el cel", "es", [("school", "campamento Río Claro")]),
        ("entreno en el Club de Ajedrez Alfil Rojo los sábados", "es", [("school", "Club de Ajedrez Alfil Rojo")]),
        ("я хожу в секцию карате «Тигрёнок» по вторникам", "ru", [("school", "секцию карате «Тигрёнок»")]),
        ("в ДЮСШ №7 тренер выкладывает наши видео", "ru", [("school", "ДЮСШ №7")]),
        ("летом в лагере «Берёзка» у нас забрали телефоны", "ru", [("school", "лагере «Берёзка»")]),
        ("ألعب في نادي النسور للسباحة من سنتين", "ar", [("school", "نادي النسور للسباحة")]),
        ("أنا بمدرسة الياسمين الإعدادية بنات", "ar", [("school", "بمدرسة الياسمين الإعدادية بنات")]),
        ("كنت في ثانوية ابن رشد وما حد علمنا شي", "ar", [("school", "ثانوية ابن رشد")]),
        # A numbered school's name stays on its line and stops at a word that names nothing; a number is a
        # school's only with a name or where a school is talked of; Arabic names end on a whole word.
        ("I went to PS 118\nToday I learned a lot", "en", [("school", "PS 118")]),
        ("I go to PS 118 The teacher is nice", "en", [("school", "PS 118")]),
        ("estudio en la secu 247 Benito Juárez de la ciudad", "es", [("school", "secu 247 Benito Juárez")]),
        ("En la Prepa 14 de la UANL hay cuentas de confesiones", "es", [("school", "Prepa 14 de la UANL")]),
        ("درست في مدرسة الشهيد سامي فرج الابتدائية", "ar", [("school", "مدرسة الشهيد سامي فرج الابتدائية")]),
        (
            "في الثانوية ٣٢ للتعليم للبنات للمتفوقين للموهوبين للمتميزات",
            "ar",
            [("school", "الثانوية ٣٢ للتعليم للبنات للمتفوقين للموهوبين")],
        ),
        ("ألعب في نادي الشباب لكرة القدم من سنتين", "ar", [("school", "نادي الشباب لكرة القدم")]),
        ("我周末在飞跃篮球俱乐部训练", "zh", [("school", "飞跃篮球俱乐部")]),
        ("我在彩虹补习班补英语", "zh", [("school", "彩虹补习班")]),
        # Addresses written as a chain of parts, e-mails spelled with the language's words, handles in quotes.
        ("she lives in Résidence Les Pins, bât D, appt 7", "fr", [("address", "Résidence Les Pins, bât D, appt 7")]),
        ("курьер приехал на д. 12, корп. 3, кв. 45", "ru", [("address", "д. 12, корп. 3, кв. 45")]),
        ("me escribió a la calle 10 # 4-21, apto 502", "es", [("address", "calle 10 # 4-21, apto 502")]),
        ("they sent it to Blk 4 Lot 9 near the market", "en", [("address", "Blk 4 Lot 9")]),
        (
            "mi correo es laura punto gil arroba correito punto es",
            "es",
            [("email", "laura punto gil arroba correito punto es")],
        ),
        ("пишите на vasya_k собака mailik точка ру", "ru", [("email", "vasya_k собака mailik точка ру")]),
        ("我的邮箱 xiaomei 艾特 qqmail 点 com", "zh", [("email", "xiaomei 艾特 qqmail 点 com")]),
        ("b站搜“爱吃西瓜的小猫”就是我", "zh", [("social", "爱吃西瓜的小猫")]),
        ("关注我的微博 @不想上学的小鹿 吧", "zh", [("social", "@不想上学的小鹿")]),
        ("ma chaîne youtube c'est « Les Dessins de Maëlle »", "fr", [("social", "Les Dessins de Maëlle")]),
        # An address ends at the end of its sentence, or before a dot word that is no domain.
        ("send it to tom.b@mail.co.uk. Thanks a lot", "en", [("email", "tom.b@mail.co.uk")]),
        ("lina@correo.com punto final, no me escribas más", "es", [("email", "lina@correo.com")]),
        ("mon mail c'est ines.b22 chez ptitmail point fr", "fr", [("email", "ines.b22 chez ptitmail point fr")]),
        # A house and a road; a marked house number after a street.
        ("they know we live at House 17, Road 9 near the mosque", "en", [("address", "House 17, Road 9")]),
        # An app written against Chinese, then "ID".
        ("加我的tiktok ID为 xiaolu_0910", "zh", [("social", "xiaolu_0910")]),
        ("我的Line ID是meimei0910", "zh", [("social", "meimei0910")]),
        # A lone first name introduced with an age.
        ("hey i'm Hope btw, 15, and i think apps should ask first", "en", [("name", "Hope")]),
        ("soy Amparo, tengo 16 y opino que sí", "es", [("name", "Amparo")]),
        ("je suis Maëlle (13 ans) et j'ai peur des faux comptes", "fr", [("name", "Maëlle")]),
        # Rarer surnames before a title; Arabic titles with "و", "ل", "ب" written onto them.
        ("邝老师和栾老师都说过", "zh", [("name", "邝"), ("name", "栾")]),
        ("وقلت للمعلمة سارة عن الحساب", "ar", [("name", "سارة")]),
        # A nickname in quotes is no title; a given name of two words stays whole.
        ('my cousin, we call her "Bibi", got hacked last week', "en", [("name", "Bibi")]),
        # A name found once is found wherever it comes again, without its cue: as written, by its given
        # name alone, after a conjunction written onto it, in Han characters.
        ("My friend Rosa Diaz said no, but Rosa posted it anyway.", "en", [("name", "Rosa Diaz"), ("name", "Rosa")]),
        ("Rosa never listens. My friend Rosa Diaz posted my photo.", "en", [("name", "Rosa"), ("name", "Rosa Diaz")]),
        ("أخبرت صديقي أحمد بكل شيء، فأحمد يعرف ماذا أفعل", "ar", [("name", "أحمد"), ("name", "أحمد")]),
        ("وقلت للمعلمة سارة عن الحساب، وسارة قالت إنها ستساعدني", "ar", [("name", "سارة"), ("name", "سارة")]),
        ("我的朋友王小明说了，后来王小明又把照片发出去了", "zh", [("name", "王小明"), ("name", "王小明")]),
        # A hospital by its name places a child as a school does.
        (
            "When I was at Mercy General Hospital a porter took a photo of me",
            "en",
            [("school", "Mercy General Hospital")],
        ),
        (
            "Au service pédiatrie de l'hôpital Trousseau, on n'avait pas le wifi",
            "fr",
            [("school", "hôpital Trousseau")],
        ),
        (
            "Estuve en el Hospital Garrahan y una voluntaria me agregó a Instagram",
            "es",
            [("school", "Hospital Garrahan")],
        ),
        ("Я лежал в больнице № 9, и медбрат выложил фото палаты", "ru", [("school", "больнице № 9")]),
        ("نقلوني لمستشفى الأمل وهناك ممرضة صورتني", "ar", [("school", "لمستشفى الأمل")]),
        ("我在协和医院住院的时候护士加了我微信", "zh", [("school", "协和医院")]),
        # Kindergartens, mosques, cadet corps, arts centres by the name in quotes; youth centres by theirs.
        (
            "Сестра ходит в детский сад «Ромашка», там всех снимают на видео",
            "ru",
            [("school", "детский сад «Ромашка»")],
        ),
        ("Кружок при мечети «Ихлас» создал общий чат", "ru", [("school", "мечети «Ихлас»")]),
        ("В Доме культуры «Юность» нам рассказали про мошенников", "ru", [("school", "Доме культуры «Юность»")]),
        ("Mon petit frère va à la MJC de Belleville et ils postent tout", "fr", [("school", "MJC de Belleville")]),
    ],
)
def test_other_peoples_details_are_found(text, lang, expected):
    assert found(text, lang) == expected


# --- ordinary words stay as they are ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text, lang",
    [
        ("I don't think so, and I won't, can't or shouldn't either; they'd say it's fine.", "en"),
        ("Will you fix it? May is busy. Rose petals. Bill Gates. Mark my words. Grace periods. Hope so.", "en"),
        ("China, Jordan and Chad were in the news on Monday, and Victoria Falls on Sunday.", "en"),
        ("My friend will come, my teacher may help, my friends and I agree, my friend's phone broke.", "en"),
        ("I miss home. Mr and Mrs are titles. Doctors say so.", "en"),
        ("I sent final_project_v2.docx to the class and screenshot_0412.png to my mum.", "en"),
        (
            "Chelsea FC won again. I support Arsenal FC with my friend. Primary school kids need it, secondary too.",
            "en",
        ),
        ("Ma meilleure amie dit que c'est pas normal. Rose est ma couleur. Pierre qui roule...", "fr"),
        ("Mai et juin, Lundi, la France et le Canada. Madame la ministre, lisez-nous.", "fr"),
        ("Don Quijote es un libro. Rosa es mi color. Mayo es el mes de exámenes, ¿no?", "es"),
        ("Mi amiga dice que no. Señor presidente, lea esto. Esperanza y Mar del Plata.", "es"),
        ("Надежда умирает последней. Роза ветров. Любовь и Вера. Слава богу, Май.", "ru"),
        ("Моя подруга говорит, что учитель информатики у нас хороший.", "ru"),
        ("Я думаю, что университет должен помогать. Московский государственный университет открыл набор.", "ru"),
        ("الأمل هو ما نحتاجه. نور الشمس. كريم الأخلاق. صديقي قال لي. الأستاذ قال إن.", "ar"),
        ("جاري طيب ويساعدنا دائما. صديقتي المقربة تفكر مثلي.", "ar"),
        # A frequent word where a name often stands ("my friend loves..."); a school's "a supervisor in every school".
        ("صديقي يحب كرة القدم ويلعب كل يوم مع أخوه.", "ar"),
        ("لازم يكون في كل مدرسة مشرف يفهم في الإنترنت.", "ar"),
        ("王者荣耀很好玩。我朋友周末去图书馆。老师马上来了。李白的诗。高兴的是。", "zh"),
        ("我们老师说不要分享密码。周末我和同学一起学习。", "zh"),
        ("Real Madrid et le PSG ont joué hier, et la Sorbonne est vieille.", "fr"),
        ("Harvard University published a study and Chelsea FC won. It is 12 degrees, such as London.", "en"),
        ("El Real Madrid ganó otra vez y el club tiene 5 millones de socios.", "es"),
        ("в школе сказали «не выкладывайте фото», в лагере тоже так говорят", "ru"),
        ("الأهلي والزمالك فازوا أمس، ونادي الأهلي عنده جمهور كبير.", "ar"),
        ("我觉得补习班太多了，俱乐部也要管。", "zh"),
        ("In 2021, 45 countries signed it, and level 3, room 12 is where we meet.", "en"),
        ("jugamos en el nivel 5, bloque 2 no, pero la casa 3 del juego sí", "es"),
        ("Ping @everyone at 5pm, the stream on YouTube was great", "en"),
        ("我看了抖音上的视频，叫人别@我", "zh"),
        ("Во 2 классе, 25 учеников, а в 2020 году 30", "ru"),
        ("عمره ٢٥ سنة وأخوه ١٤ سنة", "ar"),
        # Years, games, counts and groups after a school's kind; "PS" without a number.
        ("PS I love you. PS Sorry for being late", "en"),
        ("CBSE 2024 results are out and I play FC 25, then I bought pack 12 of cards.", "en"),
        ("Le CES 2024 était génial et le lycée technique 2 fois plus cher.", "fr"),
        ("La UE 27 decidió, voy a la escuela 3 veces por semana y estoy en prepa 2.", "es"),
        ("فوج 3 من الطلاب وصل اليوم", "ar"),
        # "chez … point …" and "at … point …" in prose are no spoken e-mail address.
        ("On dîne chez Paul point de vue cuisine, c'est top.", "fr"),
        ("We ate lunch at school point blank.", "en"),
        # Lists of numbers are no address.
        ("Items 4, 5 and #7, #8 were my picks, and Phase 1, phase 2 too.", "en"),
        ("I liked ideas 3, 4 and Option 6, 7 the most.", "en"),
        ("Lis les pages 12, 13 et la tour 2, 3 du jeu.", "fr"),
        # A book, a poster or a video "called" something, and "id" inside "said", are no account.
        ('Our class read a novel called "Holes" last term.', "en"),
        ('My brother did a poster named "Clean Rivers" for science.', "en"),
        ('The article is called "Wonder" and I said it was good.', "en"),
        ('El video dice que es "lo mejor" del año.', "es"),
        # Public figures written without their accents or in another case; subjects and roles before a title.
        ("honestly Beyonce is the only one who gets it, and Kylian Mbappe too", "en"),
        ("мелкие повторяют за Моргенштерном всё и подписаны на Инстасамку", "ru"),
        ("我们的历史老师说不要发照片，班主任老师和美术老师也说过", "zh"),
        # The titles of works in quotes; an Arabic given name that is the first noun of a construct.
        ("ma sœur chante la chanson « Rose » et regarde le dessin animé « Heidi » en boucle", "fr"),
        ("мой брат смотрит мультфильм «Вера и Лев» и сериал «Надежда»", "ru"),
        ("我最喜欢的歌曲“小雨”，还看了《平安》", "zh"),
        ("نور الشمس أحسن من الشاشات، ووسام الشرف إنك تدافع عن غيرك", "ar"),
        # Towns and counties (GeoNames) and a kind of club alone.
        ("Bowling Green needs a skate park, and we live in Warren County where the wifi is bad.", "en"),
        ("我觉得补习班太多了，俱乐部也要管。", "zh"),
        # A hospital named by no name: a kind, "this one", the town's.
        ("I ended up in hospital after the bullying got bad, and the clinic never asked about it", "en"),
        ("Fui al hospital y una enfermera subió mi foto", "es"),
        ("Я лежала в больнице, и там не было интернета", "ru"),
        ("这家医院的公众号把病人照片发出来了，市医院也一样", "zh"),
        ("Детский сад и церковь тоже должны говорить о безопасности в сети", "ru"),
        ("La MJC et le centre social du quartier devraient parler de sécurité en ligne", "fr"),
        # A nationality, a faith or a school year with an age is no name.
        ("I'm Spanish, 15, and I'm Muslim, 16. I am Year 9, 13 years old.", "en"),
    ],
)
def test_ordinary_words_that_look_like_names_are_not_redacted(text, lang):
    assert found(text, lang) == []


def test_a_name_that_is_also_a_word_is_found_again_only_as_a_name():
    """ "Will" found after its cue is the same person where it is written "Will" again, never the verb."""
    assert found("my friend Will Smith said I will tell him, and Will will.", "en") == [
        ("name", "Will Smith"),
        ("name", "Will"),
    ]


# --- the suggested redaction reads in the answer's language ---------------------------------------


@pytest.mark.parametrize(
    "text, lang, suggested",
    [
        ("my friend Sarah Jones said", "en", "my friend [personal information removed] said"),
        ("mon prof M. Dupont a dit", "fr", "mon prof M. [informations personnelles supprimées] a dit"),
        ("mi amiga Lucía dijo", "es", "mi amiga [información personal eliminada] dijo"),
        ("мой друг Саша Петров сказал", "ru", "мой друг [личные данные удалены] сказал"),
        ("صديقي أحمد قال", "ar", "صديقي [تمت إزالة معلومات شخصية] قال"),
        ("我的朋友王小明说", "zh", "我的朋友[个人信息已删除]说"),
    ],
)
def test_the_suggested_redaction_is_in_the_answers_language(app, text, lang, suggested):
    with app.app_context():
        flags, fields = screening_fields(text, lang)
    assert flags == {"pii"}
    assert fields["suggested_text"] == suggested
