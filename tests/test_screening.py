"""Screening at intake: personal information, abusive language and safeguarding cues.

The corpus test at the end measures precision and recall on ``data/screening_corpus.jsonl``,
per language and per flag (``pytest -s`` prints the table). Its lines carry a ``split``:
``dev`` was written first and used to build the lexicons; ``holdout-1`` and ``holdout-2``
were each written afterwards without running the screening on them, measured once, and
only then used to fix what they revealed. Their first runs are the honest estimate of
how the lexicons do on phrasing they have not seen:

    holdout-1 (233 lines)  pii P 0.97 R 0.95   abuse P 1.00 R 1.00   safeguarding P 1.00 R 0.83
    holdout-2 (167 lines)  pii P 1.00 R 1.00   abuse P 1.00 R 0.96   safeguarding P 0.89 R 0.84

Safeguarding recall on new wording is therefore nearer 0.85 than the 0.95 asserted below,
which holds on the corpus as it now stands, misses fed back. A missed disclosure remains
possible: the flag orders the queue, and a moderator still reads every response.

``train`` and ``holdout-3`` (issue 12; see ``data/README.md``) hold indirect, slang and
code-switched writing. The lexicons alone, first run, on ``holdout-3`` (546 lines):

    holdout-3              abuse P 0.93 R 0.39   safeguarding P 0.54 R 0.06 (14 of 222)

so the issue's held-out target (safeguarding recall 1.0 per language, policy talk flagged
<= 0.2) is for the union with the sentence-vector classifier, and the floors below are asserted
on the lexicons' own splits only. ``holdout-3`` and ``holdout-4`` (a fresh held-out set written for
the classifier's fourth round) must not be used to tune the lexicons.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections import defaultdict
from importlib import resources
from pathlib import Path

import pytest

from consult import languages
from consult.moderation.screening import (
    PII_KINDS,
    REDACTION_MARKER,
    SCREENING_FLAGS,
    ScreeningResult,
    Span,
    redact,
    screen,
)

CORPUS = Path(__file__).parent / "data" / "screening_corpus.jsonl"


def kinds(text: str, lang: str | None = None) -> set[str]:
    return {span.kind for span in screen(text, lang).pii}


def found(text: str, kind: str, lang: str | None = None) -> list[str]:
    return [span.text for span in screen(text, lang).pii if span.kind == kind]


def assert_spans_point_into(text: str, result: ScreeningResult) -> None:
    for span in [*result.pii, *result.cues]:
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start : span.end] == span.text


# --- the result -------------------------------------------------------------------------------


def test_result_is_frozen_and_lists_pii_flags_and_a_redacted_copy():
    text = "My name is Emily Carter, email emily.carter@gmail.com"
    result = screen(text, "en")

    assert result.flags == ["pii"]
    assert [(s.kind, s.text) for s in result.pii] == [("name", "Emily Carter"), ("email", "emily.carter@gmail.com")]
    assert result.redacted == f"My name is {REDACTION_MARKER}, email {REDACTION_MARKER}"
    assert result.categories == {"pii": ["email", "name"]}
    assert_spans_point_into(text, result)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.flags = []  # type: ignore[misc]


def test_a_clean_answer_has_no_flags_and_is_its_own_redaction():
    text = "Apps should be private by default and the report button easier to find."
    result = screen(text, "en")
    assert result == ScreeningResult(pii=[], flags=[], redacted=text, categories={}, cues=[])


def test_flags_come_in_a_fixed_order_with_their_categories():
    result = screen("My name is Lucy, you stupid bitch, and he is threatening to post my nudes unless I pay", "en")
    assert result.flags == list(SCREENING_FLAGS)
    assert result.categories == {"pii": ["name"], "abuse": ["insult"], "safeguarding": ["sextortion"]}
    assert {cue.kind for cue in result.cues} == {"abuse:insult", "safeguarding:sextortion"}


def test_the_marker_is_a_constant_the_interface_can_translate():
    assert REDACTION_MARKER == "[personal information removed]"
    text = "call 07700 900123 or mail me@example.org"
    spans = screen(text).pii
    assert redact(text, spans, marker="[…]") == "call […] or mail […]"


def test_screening_is_deterministic():
    text = "je m'appelle Léa, mon snap c'est lea_07, 06 12 34 56 78, et je veux mourir"
    assert screen(text, "fr") == screen(text, "fr")


def test_the_language_is_only_a_hint():
    text = "my insta is danny.k.2008"
    expected = screen(text).pii
    for lang in ("en", "EN", "zh-Hans", "fr_FR", "de", "", None):
        assert screen(text, lang).pii == expected


def test_only_text_is_screened():
    with pytest.raises(TypeError):
        screen(None)  # type: ignore[arg-type]
    assert screen("").flags == []


# --- e-mail addresses -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, address",
    [
        ("write to sam.lee@gmail.com today", "sam.lee@gmail.com"),
        ("write to sam at gmail dot com", "sam at gmail dot com"),
        ("write to sam [at] gmail [dot] com", "sam [at] gmail [dot] com"),
        ("write to sam(at)gmail(dot)com", "sam(at)gmail(dot)com"),
        ("write to sam @ gmail . com", "sam @ gmail . com"),
        ("écris à theo point dupont arobase free point fr", "theo point dupont arobase free point fr"),
        ("escribe a pablo arroba gmail punto com", "pablo arroba gmail punto com"),
        ("邮箱是xiaoming2008@qq.com", "xiaoming2008@qq.com"),
        ("write to sam＠gmail．com", "sam＠gmail．com"),
    ],
)
def test_email_addresses_plain_and_obfuscated(text, address):
    assert found(text, "email") == [address]


def test_spaced_out_and_invisible_characters_do_not_hide_an_address():
    spaced = "mail me j o h n @ g m a i l . c o m please"
    assert found(spaced, "email") == ["j o h n @ g m a i l . c o m"]
    hidden = "mail me tom\u200b.reed\u200b@\u200bgmail.com"
    assert found(hidden, "email") == ["tom\u200b.reed\u200b@\u200bgmail.com"]
    assert screen(hidden).redacted == f"mail me {REDACTION_MARKER}"


def test_email_as_a_topic_is_not_an_address():
    assert kinds("We need an email address for reporting abuse that actually answers.") == set()
    assert kinds("I'm good at maths. It is my favourite subject.") == set()


# --- phone numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, number",
    [
        ("call me on +44 7700 900123 tonight", "+44 7700 900123"),
        ("call me on 07700-900-123 tonight", "07700-900-123"),
        ("call me on (020) 7946 0958 tonight", "(020) 7946 0958"),
        ("appelle-moi au 06.12.34.56.78 ce soir", "06.12.34.56.78"),
        ("мой номер +7 (912) 345-67-89", "+7 (912) 345-67-89"),
        ("我的手机号是13800138000", "13800138000"),
        ("رقمي ٠٥٠١٢٣٤٥٦٧ على الواتساب", "٠٥٠١٢٣٤٥٦٧"),
        ("رقم هاتفي ۰۵۵۹۸۷۶۵۴۳", "۰۵۵۹۸۷۶۵۴۳"),
        ("call me on ０７７００ ９００４５６", "０７７００ ９００４５６"),
        ("text me on 555-0142", "555-0142"),
        ("proof, my number is (+44) 07451-209-339) lol", "(+44) 07451-209-339"),
        ("Mi número de WhatsApp: 0052 55 8765 4321, no lo publiquen", "0052 55 8765 4321"),
        ("my number 0803 123 4567 got posted", "0803 123 4567"),
        ("me acosaron desde dos números: 612 111 222 y otro", "612 111 222"),
    ],
)
def test_phone_numbers_in_international_and_national_formats(text, number):
    assert found(text, "phone") == [number]


@pytest.mark.parametrize(
    "text",
    [
        "In 2023, 51 countries adopted new child online protection laws.",
        "About 45% of teens have been contacted by strangers.",
        "COVID-19 made us spend 6 to 8 hours a day online.",
        "Version 2.3.1 of the app still shows my location.",
        "I am 15 and I have had a phone since I was 11.",
        "Between 2019-2020 reports doubled, and again in 2021/22.",
        "A phone costs $300, or 1.299,00 € for the new one.",
        "The meeting is on 12.05.2025 at 10:30, then 2025-06-01.",
        "Over 1,000,000 reports and 2 000 000 children, 10000000 messages.",
        "the password 12345678 is still the most common one",
        "Call 116 111 if you need help, it is the free child helpline.",
        "L'app 4.12.0 est sortie le 03/04/2024.",
        # free numbers are helplines' and companies', never a young person's
        "you can call Childline free on 0800 1111, it doesn't show on the bill",
        "Kids Help Phone is 1-800-668-6868 and the CyberTipline +1 800 843 5678",
        "La Fundación atiende en el 900 20 20 10 las 24 horas",
        "Детский телефон доверия 8-800-2000-122, звонок бесплатный; в Беларуси 8 801 100 1611",
        "En Chile el Fono es el 800 200 818, es gratis",
        # a game's map code, and counts of followers
        "Le code de la map Fortnite était 4821-7730-1169, tout le monde le partageait",
        "Mon compte a 12 400 abonnés et 350 000 vues",
        "Mi canal tiene 3.400 suscriptores y 120.000 vistas",
        "the number of reports rose to 1 200 000 last year",
    ],
)
def test_numbers_that_are_not_contact_details(text):
    assert kinds(text) == set()


# --- links and accounts -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, link",
    [
        ("see https://www.itu.int/cop/guidelines.", "https://www.itu.int/cop/guidelines"),
        ("more on www.x.com today", "www.x.com"),
        ("our project site is example.com, check it", "example.com"),
        ("gov site: www.gob.es/jovenes (in Spanish)", "www.gob.es/jovenes"),
        ("my page scratch.mit.edu/users/kid123 has my games", "scratch.mit.edu/users/kid123"),
    ],
)
def test_urls_and_bare_domains(text, link):
    assert found(text, "url") == [link]


@pytest.mark.parametrize(
    "text",
    [
        "la web internetsegura.gob.es tiene guías",
        "On peut signaler sur internet-signalement.gouv.fr, c'est officiel",
        "Сообщить можно на сайте rkn.gov.ru",
        "موقع www.itu.int فيه إرشادات",
        "more on www.unicef.org today",
    ],
)
def test_a_public_bodys_home_page_is_kept(text):
    """A government's, an international body's or an association's site, with no path: nobody's page."""
    assert kinds(text) == set()


@pytest.mark.parametrize(
    "text, account",
    [
        ("follow me @safe_teen_voice for tips", "@safe_teen_voice"),
        ("snap: lilyrose_07", "lilyrose_07"),
        ("insta: maya.xo", "maya.xo"),
        ("my insta is danny.k.2008 if you want", "danny.k.2008"),
        ("my snapchat is bellarose", "bellarose"),
        ("add me on snap lilyrose", "lilyrose"),
        ("my discord is shadowfox#4821", "shadowfox#4821"),
        ("加我微信：xm_2008abc", "xm_2008abc"),
        ("我的QQ号是123456789", "123456789"),
        ("telegram: @noah_t", "@noah_t"),
        ("пиши в тг masha_2009", "masha_2009"),
        ("سنابي: noor_2009", "noor_2009"),
        ("my whatsapp id: kai_99", "kai_99"),
        ("a video at instagram.com/teen.voices", "instagram.com/teen.voices"),
        ("a video at tiktok.com/@teenvoices22", "tiktok.com/@teenvoices22"),
        ("he kept joining my Roblox games, his user was xXDarkNinjaXx2010", "xXDarkNinjaXx2010"),
        ("my Switch friend code SW-4821-3390-1175 if anyone wants to play", "SW-4821-3390-1175"),
        ("學弟被網友要到LINE ID：xiaojie_0810，之後", "xiaojie_0810"),
    ],
)
def test_social_media_handles_and_profiles(text, account):
    assert found(text, "social") == [account]


@pytest.mark.parametrize(
    "text",
    [
        "Instagram should hide follower counts for under 16s.",
        "my insta is private and my snapchat is full of ads",
        "Problems on Instagram: bullying, scams and fake accounts.",
        "WeChat users need better privacy settings.",
        "It's time we had universal health @home too!",
        "meet @ 5pm and bring snacks @6pm",
        "I use TikTok and Snapchat every day.",
        "I play on my iPhone13 and PlayStation5, and on Roblox games with McDonald's ads",
    ],
)
def test_platforms_as_topics_are_not_accounts(text):
    assert kinds(text) == set()


# --- addresses and postcodes ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, address",
    [
        ("I live at 12 Baker Street with my mum", "12 Baker Street"),
        ("I live at 221B Baker St. in London", "221B Baker St."),
        ("i live at 42 elm road, come over", "42 elm road"),
        ("j'habite rue de Rivoli 10 à Paris", "rue de Rivoli 10"),
        ("j'habite au 10 rue de la Paix", "10 rue de la Paix"),
        ("vivo en la calle Mayor 5, Madrid", "calle Mayor 5"),
        ("я живу на ул. Ленина, д. 5", "ул. Ленина, д. 5"),
        ("أسكن في شارع الملك فهد رقم 12", "شارع الملك فهد رقم 12"),
        ("我住在北京市朝阳区建国路88号", "北京市朝阳区建国路88号"),
        ("Ich wohne in der Hauptstraße 5", "Hauptstraße 5"),
    ],
)
def test_street_addresses(text, address):
    assert found(text, "address") == [address]


@pytest.mark.parametrize(
    "text, postcode",
    [
        ("I live at 42 Elm Road, Leeds LS6 2AB", "LS6 2AB"),
        ("I live at 1600 Pennsylvania Avenue, Washington, DC 20500", "20500"),
        ("my postal code is K1A 0B1", "K1A 0B1"),
        ("j'habite au 10 rue de Rivoli, 75001 Paris", "75001"),
        ("Ich wohne in der Hauptstraße 5, 10115 Berlin", "10115"),
        ("my zip code is 90210", "90210"),
        ("People shared my pin code 110022 and locality", "110022"),
        ("they even knew his postcode 2150", "2150"),
        ("г. Астана, ул. Кенесары, 40, кв. 112, индекс Z05K7A4", "Z05K7A4"),
        ("mi CEP é 01310-100, e o endereço vazou", "01310-100"),
        ("onze postcode is 1012 AB, iedereen weet het nu", "1012 AB"),
        ("我家邮政编码100080，被人发到群里", "100080"),
    ],
)
def test_postcodes_in_an_address_context(text, postcode):
    assert found(text, "postcode") == [postcode]


@pytest.mark.parametrize(
    "text",
    [
        "We walked 2 miles down the road to school.",
        "There are 3 main roads near my house.",
        "Dans la rue 24h sur 24 il y a des caméras.",
        "На улице было 5 человек.",
        "My mum always says never share your address online.",
        "Paris 75001 was on the news, and 90210 is a TV show.",
        "I live in London with my 2 brothers.",
    ],
)
def test_streets_and_numbers_that_are_not_an_address(text):
    assert kinds(text) == set()


# --- names and schools ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, name, lang",
    [
        ("My name is Sarah Jones and I am 15", "Sarah Jones", "en"),
        ("my name is sarah and i like coding", "sarah", "en"),
        ("Hi, I'm called Amira Haddad, from Kenya", "Amira Haddad", "en"),
        ("I'm Jordan Smith, I run the youth council", "Jordan Smith", "en"),
        ("Je m'appelle Léa Martin et j'ai 14 ans", "Léa Martin", "fr"),
        ("Me llamo Lucía Fernández y tengo 16", "Lucía Fernández", "es"),
        ("Mi nombre es Diego y vivo en Lima", "Diego", "es"),
        ("Меня зовут Анна Смирнова, мне 15", "Анна Смирнова", "ru"),
        ("اسمي محمد أحمد ورقمي سري", "محمد أحمد", "ar"),
        ("我叫李明，今年15岁", "李明", "zh"),
        ("我的名字是王小红。", "王小红", "zh"),
        ("大家好，我是张伟，今年16岁。", "张伟", "zh"),
    ],
)
def test_names_introduced_by_their_owner(text, name, lang):
    assert found(text, "name", lang) == [name]


@pytest.mark.parametrize(
    "text",
    [
        "My name is not important, my ideas are.",
        "I'm called names at school every day.",
        "I am Muslim and I feel unsafe on some apps.",
        "I'm British Indian and proud.",
        "我是学生，我觉得网上不安全。",
        "我叫了外卖，然后继续写作业。",
    ],
)
def test_introductions_without_a_name(text):
    assert "name" not in kinds(text)


@pytest.mark.parametrize(
    "text, school",
    [
        ("I go to St Mary's High School and love it", "St Mary's High School"),
        ("i go to st marys high school", "st marys high school"),
        ("I study at the University of Nairobi", "University of Nairobi"),
        ("je suis au collège Jean Moulin depuis 2 ans", "collège Jean Moulin"),
        ("Estudio en el colegio San José", "colegio San José"),
        ("Я учусь в школе № 57", "школе № 57"),
        ("أدرس في مدرسة الأمل الثانوية", "مدرسة الأمل الثانوية"),
        ("学校是北京第四中学", "北京第四中学"),
        ("我在北京第四中学上学", "北京第四中学"),
    ],
)
def test_school_names(text, school):
    assert found(text, "school") == [school]


@pytest.mark.parametrize(
    "text",
    [
        "Schools should teach online safety from primary school, not only in high school.",
        "Many high school students use Discord.",
        "Harvard University found that teens sleep less.",
        "My school banned phones but everyone still uses Snapchat.",
        "in 2013 107 out of 161 high-wealth individuals paid less tax",
        "学校应该从小学开始教网络安全。",
        "中小学生每天上网时间超过3小时。",
        "我们学校禁止带手机。",
    ],
)
def test_schools_as_a_topic_are_not_named(text):
    assert "school" not in kinds(text)


# --- cards and identity numbers ---------------------------------------------------------------


def test_luhn_valid_card_numbers_only():
    assert found("my card was 4539 1488 0343 6467 lol", "card") == ["4539 1488 0343 6467"]
    assert found("my card was 4539148803436467 lol", "card") == ["4539148803436467"]
    assert "card" not in kinds("my card was 4539 1488 0343 6468 lol")


def test_iban_with_a_valid_checksum_only():
    assert found("IBAN FR76 3000 6000 0112 3456 7890 189 pour les dons", "iban") == [
        "FR76 3000 6000 0112 3456 7890 189"
    ]
    assert "iban" not in kinds("IBAN FR76 3000 6000 0112 3456 7890 188 pour les dons")


@pytest.mark.parametrize(
    "text, number",
    [
        ("my passport number is AB1234567 and it expires soon", "AB1234567"),
        ("Номер паспорта 4510 123456, если нужно", "4510 123456"),
        ("Mi DNI es 12345678Z, lo pongo", "12345678Z"),
        ("我的身份证号是110101200801011234", "110101200801011234"),
        ("my SSN is 078-05-1120", "078-05-1120"),
    ],
)
def test_identity_numbers_when_introduced(text, number):
    assert found(text, "id") == [number]


def test_identity_documents_as_a_topic():
    assert kinds("Age verification should not mean giving our passport to every app.") == set()


# --- normalisation keeps offsets in the original -----------------------------------------------


def test_spans_point_into_the_text_as_written_after_normalisation():
    text = "ＭＹ ＮＡＭＥ ＩＳ Ｓａｒａ, call ０７７００\u200b９００１２３, mail s a r a @ m a i l . c o m"
    result = screen(text)
    assert [span.kind for span in result.pii] == ["name", "phone", "email"]
    assert_spans_point_into(text, result)
    assert result.redacted.count(REDACTION_MARKER) == 3
    assert result.redacted.startswith("ＭＹ ＮＡＭＥ ＩＳ [personal")


def test_arabic_diacritics_and_tatweel_do_not_hide_a_word():
    assert screen("أُرِيدُ أَنْ أَمُوتَ", "ar").flags == ["safeguarding"]
    assert screen("أريد أن أمـــوت", "ar").flags == ["safeguarding"]


# --- abuse ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, lang, category",
    [
        ("Whoever made this app is a fucking idiot.", "en", "insult"),
        ("All refugees should be deported, they are animals", "en", "hate"),
        ("send nudes or you're boring", "en", "sexual"),
        ("ferme ta gueule, personne ne t'a demandé", "fr", "insult"),
        ("les migrants sont des parasites", "fr", "hate"),
        ("eres una estúpida, nadie te quiere", "es", "insult"),
        ("pásame el pack o te bloqueo", "es", "sexual"),
        ("ты тупая дура, заткнись", "ru", "insult"),
        ("скинь нюдсы", "ru", "sexual"),
        ("اخرس يا حمار", "ar", "insult"),
        ("اللاجئين حيوانات ارجعوا لبلادكم", "ar", "hate"),
        ("做这个软件的人都是傻逼。", "zh", "insult"),
        ("外国人都是垃圾，滚回你的国家", "zh", "hate"),
    ],
)
def test_abusive_language_in_every_language(text, lang, category):
    result = screen(text, lang)
    assert "abuse" in result.flags
    assert category in result.categories["abuse"]


@pytest.mark.parametrize(
    "text",
    [
        "you are so stuuupid",
        "you b1tch",
        "piece of sh1t",
        "fuuuck this",
        "you are a bіtch",  # Cyrillic і
        "you are a bi\u200btch",
    ],
)
def test_simple_evasion_of_the_abuse_lexicon_fails(text):
    assert screen(text, "en").flags == ["abuse"]


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Our class assessment covered Dickens and the Scunthorpe problem.", "en"),
        ("The therapist said cocktails are not for teens.", "en"),
        ("Hate speech laws should cover online games.", "en"),
        ("We learned about sexual education and consent.", "en"),
        ("Я купила хлеба и молока.", "ru"),
        ("我妈妈的手机总是被骗子打电话。", "zh"),
        ("Mi perra se llama Luna y es muy buena.", "es"),
        ("Il a glissé sur le con de la porte", "fr"),
    ],
)
def test_words_that_only_contain_or_resemble_abuse(text, lang):
    assert "abuse" not in screen(text, lang).flags


# --- safeguarding -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, lang, category",
    [
        ("I want to kill myself", "en", "self_harm"),
        ("i just want to disappear forever", "en", "self_harm"),
        ("my stepdad hits me when he's drunk", "en", "home_abuse"),
        ("A guy I met on Roblox keeps asking me to send pictures", "en", "grooming"),
        ("someone is threatening to post my nudes unless I pay", "en", "sextortion"),
        ("Je me scarifie depuis des mois.", "fr", "self_harm"),
        ("Mon beau-père me frappe.", "fr", "home_abuse"),
        ("Quiero morir, nadie me entiende.", "es", "self_harm"),
        ("Un chico me está chantajeando con mis fotos.", "es", "sextortion"),
        ("Отчим бьет меня, когда выпьет.", "ru", "home_abuse"),
        ("Мужчина из интернета просит прислать фото.", "ru", "grooming"),
        ("أفكر في الانتحار كل يوم", "ar", "self_harm"),
        ("شخص يبتزني بصوري ويطلب فلوس", "ar", "sextortion"),
        ("我爸爸喝醉了就打我。", "zh", "home_abuse"),
        ("我每天都想自杀。", "zh", "self_harm"),
    ],
)
def test_disclosures_in_every_language(text, lang, category):
    result = screen(text, lang)
    assert result.flags == ["safeguarding"]
    assert category in result.categories["safeguarding"]
    assert_spans_point_into(text, result)


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Sextortion is rising among teenagers.", "en"),
        ("We need laws against grooming.", "en"),
        ("Self-harm content should be removed faster.", "en"),
        ("I think parents who hit their kids should be reported.", "en"),
        ("Victims of abuse need to be included in the Me Too movement.", "en"),
        ("La sextorsion augmente chez les adolescents.", "fr"),
        ("Necesitamos leyes contra el grooming.", "es"),
        ("Секстортинг растет среди подростков.", "ru"),
        ("الابتزاز الإلكتروني يزداد بين المراهقين ويجب التوعية.", "ar"),
        ("性勒索在青少年中越来越多，需要更多宣传。", "zh"),
        ("My dad hit the roof when he saw my phone bill.", "en"),
        ("Mi padre me amenazó con quitarme el móvil si no estudio.", "es"),
    ],
)
def test_policy_talk_is_not_a_disclosure(text, lang):
    assert "safeguarding" not in screen(text, lang).flags


@pytest.mark.parametrize(
    "text, lang",
    [
        ("انا تعبانة و I want to die", "ar"),  # English disclosure in an Arabic answer
        ("I wanna kіll mysеlf", "en"),  # Cyrillic look-alike letters
        ("Я хочу умереть", "en"),  # the wrong language chosen
        ("我想死 really", "en"),
        ("i want to dieeee", "en"),
        ("k1ll mys3lf", "en"),
    ],
)
def test_disclosures_in_mixed_scripts_and_languages(text, lang):
    assert "safeguarding" in screen(text, lang).flags


# --- robustness -------------------------------------------------------------------------------


def test_naughty_strings_screen_without_error_and_with_valid_spans(naughty_strings):
    for text in naughty_strings:
        result = screen(text)
        assert_spans_point_into(text, result)
        assert set(result.flags) <= set(SCREENING_FLAGS)
        assert {span.kind for span in result.pii} <= set(PII_KINDS)


@pytest.mark.parametrize(
    "text",
    ["a " * 5000, "1 " * 5000, "@" * 10000, "my name is " * 1000, "i " * 5000, "我" * 10000, "1-" * 5000],
)
def test_long_adversarial_texts_do_not_hang_screening(text):
    # A hang detector, not a speed target (bench/bench_screening.py measures speed): a pattern that backtracks
    # catastrophically takes minutes to hours on these texts, while a busy CI machine may take a few seconds.
    started = time.perf_counter()
    screen(text)
    assert time.perf_counter() - started < 30


def test_every_language_has_its_lexicon_files():
    folder = resources.files("consult.moderation.screening").joinpath("lexicons")
    names = {entry.name for entry in folder.iterdir()}
    expected = {"common.txt"} | {
        f"{kind}-{lang}.txt" for kind in ("pii", "abuse", "safeguarding") for lang in languages.codes()
    }
    assert expected <= names


# --- the corpus -------------------------------------------------------------------------------

# flag -> (precision, recall). Overall: what the held-out first runs reached for personal
# information and abuse; for safeguarding, the recall floor, above what they reached.
# Per language, with 13 to 54 positives a flag, the floors.
LEXICON_SPLITS = ("dev", "holdout-1", "holdout-2")
OVERALL_FLOORS = {"pii": (0.95, 0.95), "abuse": (0.95, 0.95), "safeguarding": (0.9, 0.95)}
LANGUAGE_FLOORS = {"pii": (0.9, 0.9), "abuse": (0.85, 0.85), "safeguarding": (0.85, 0.95)}


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def test_corpus_precision_and_recall_per_language_and_flag():
    lines = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) >= 600
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])  # true pos, false pos, false neg
    kinds_missed, kinds_expected = [], 0
    for line in lines:
        result = screen(line["text"], line["lang"])
        # The lexicons' floors hold on the splits written for them; "train" and "holdout-3" (hard,
        # indirect, code-switched writing) are reported per language, to be met by the union with the
        # sentence-vector classifier, not by the lexicons alone.
        lexicon_era = line["split"] in LEXICON_SPLITS
        groups = (line["lang"], "all") if lexicon_era else (f"{line['split']}:{line['lang']}",)
        for flag in SCREENING_FLAGS:
            expected, got = line[flag], flag in result.flags
            for key in (*((group, flag) for group in groups), (line["split"], flag)):
                counts[key][0] += expected and got
                counts[key][1] += got and not expected
                counts[key][2] += expected and not got
        for kind in line.get("pii_kinds", []):
            kinds_expected += 1
            if kind not in {span.kind for span in result.pii}:
                kinds_missed.append((kind, line["text"]))

    rows = ["lang/split  flag          precision  recall   tp  fp  fn"]
    failures = []
    for (group, flag), (tp, fp, fn) in sorted(counts.items()):
        precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        rows.append(f"{group:11s} {flag:13s} {precision:9.2f} {recall:7.2f} {tp:4d} {fp:3d} {fn:3d}")
        if group not in (*languages.codes(), "all"):
            continue  # a split, or a split's language: reported; the floors hold per language and overall
        floor_precision, floor_recall = (OVERALL_FLOORS if group == "all" else LANGUAGE_FLOORS)[flag]
        if precision < floor_precision or recall < floor_recall:
            failures.append(f"{group} {flag}: precision {precision:.2f}, recall {recall:.2f}")
    kind_recall = 1 - len(kinds_missed) / kinds_expected
    rows.append(f"pii kinds found: {kind_recall:.2f} of {kinds_expected}")
    print("\n" + "\n".join(rows))

    assert not failures, failures
    assert kind_recall >= 0.9, kinds_missed


def test_span_is_a_plain_value():
    assert Span("email", 0, 3, "a@b") == Span("email", 0, 3, "a@b")
