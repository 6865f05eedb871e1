"""Phone numbers written in words or disguised with look-alike letters (``spoken_numbers.py``)."""

from __future__ import annotations

import pytest

from consult.moderation.screening.normalise import normalise
from consult.moderation.screening.patterns import patterns
from consult.moderation.screening.spoken_numbers import find_spoken_phones


def phones(text: str) -> list[tuple[str, int, int]]:
    """What ``find_pii`` takes from the module: found in the normalised text, offsets in the original."""
    view = normalise(text)
    return [(kind, *view.original(start, end)) for kind, start, end in find_spoken_phones(view, patterns())]


def spans(text: str) -> list[str]:
    found = phones(text)
    assert all(kind == "phone" for kind, _, _ in found)
    return [text[start:end] for _, start, end in found]


def assert_one(text: str, expected: str) -> None:
    assert spans(text) == [expected], text


# Numbers written in words, in each of the six languages.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "my number is zero seven seven double nine, four one two, six oh five — he wrote it like that",
            "zero seven seven double nine, four one two, six oh five",
        ),
        (
            "text me on seven seven zero zero, nine double oh, four six one",
            "seven seven zero zero, nine double oh, four six one",
        ),
        (
            "call zero seven triple seven one two three four five six",
            "zero seven triple seven one two three four five six",
        ),
        (
            "ring me: oh seven nine one one, one two three four five six",
            "oh seven nine one one, one two three four five six",
        ),
        (
            "add me, Zero Seven Nine Eight Four - Three Three One - Two Oh Seven",
            "Zero Seven Nine Eight Four - Three Three One - Two Oh Seven",
        ),
        ("nine double o four one two three four five is his", "nine double o four one two three four five"),
    ],
)
def test_english_words(text: str, expected: str) -> None:
    assert_one(text, expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "il a écrit zéro six, douze, trente-quatre, cinquante-six, soixante-dix-neuf dans les commentaires",
            "zéro six, douze, trente-quatre, cinquante-six, soixante-dix-neuf",
        ),
        (
            "appelle-moi au zéro sept quatre-vingt-dix-neuf soixante et onze vingt-deux trente-trois",
            "zéro sept quatre-vingt-dix-neuf soixante et onze vingt-deux trente-trois",
        ),
        ("mon 06 quatre-vingts douze dix-sept onze zéro neuf", "06 quatre-vingts douze dix-sept onze zéro neuf"),
        (
            "c'est zero six quatre-vingt-dix, dix-huit, vingt et un, quarante",
            "zero six quatre-vingt-dix, dix-huit, vingt et un, quarante",
        ),
        (
            "écris au ZÉRO SIX DOUZE TRENTE-QUATRE CINQUANTE-SIX SEPTANTE",
            "ZÉRO SIX DOUZE TRENTE-QUATRE CINQUANTE-SIX SEPTANTE",
        ),
    ],
)
def test_french_words_in_pairs(text: str, expected: str) -> None:
    assert_one(text, expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "el tipo escribió seis uno dos, tres cuatro cinco, seis siete ocho en su bio",
            "seis uno dos, tres cuatro cinco, seis siete ocho",
        ),
        (
            "escríbeme al seis cero dos, treinta y cuatro, cincuenta y seis, setenta y ocho",
            "seis cero dos, treinta y cuatro, cincuenta y seis, setenta y ocho",
        ),
        (
            "llámame al novecientos doce trescientos cuarenta y cinco sesenta y siete",
            "novecientos doce trescientos cuarenta y cinco sesenta y siete",
        ),
        (
            "mi whatsapp: seis veintidós, treinta y tres, dieciséis, noventa",
            "seis veintidós, treinta y tres, dieciséis, noventa",
        ),
    ],
)
def test_spanish_words(text: str, expected: str) -> None:
    assert_one(text, expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Номер написали словами: восемь девятьсот двенадцать триста сорок пять шестьдесят семь восемьдесят девять",
            "восемь девятьсот двенадцать триста сорок пять шестьдесят семь восемьдесят девять",
        ),
        (
            "звони: восемь, девять, один, шесть, ноль, ноль, один, два, три, четыре, пять",
            "восемь, девять, один, шесть, ноль, ноль, один, два, три, четыре, пять",
        ),
        (
            "мой номер: девять-один-шесть, 123, сорок пять, шестьдесят семь — так я написал",
            "девять-один-шесть, 123, сорок пять, шестьдесят семь",
        ),
        (
            "пиши ВОСЕМЬ ДЕВЯТЬСОТ ШЕСТНАДЦАТЬ сто пять двадцать ноль",
            "ВОСЕМЬ ДЕВЯТЬСОТ ШЕСТНАДЦАТЬ сто пять двадцать ноль",
        ),
    ],
)
def test_russian_words_in_groups(text: str, expected: str) -> None:
    assert_one(text, expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "كتبوا رقمه بالحروف: صفر واحد صفر، تسعة ثمانية سبعة، ستة خمسة أربعة ثلاثة",
            "صفر واحد صفر، تسعة ثمانية سبعة، ستة خمسة أربعة ثلاثة",
        ),
        ("رقمي صفر خمسه خمسه، ثلاثه اربعه سته، سبعه تمانيه تسعه", "صفر خمسه خمسه، ثلاثه اربعه سته، سبعه تمانيه تسعه"),
        ("واتس: صفر واحد صفر اثنين ثلاثه اربعه خمسه سته سبعه", "صفر واحد صفر اثنين ثلاثه اربعه خمسه سته سبعه"),
        ("كلمني على ٠٥٥ خمسة ستة سبعة ٨٩٠١", "٠٥٥ خمسة ستة سبعة ٨٩٠١"),
        ("رقمه صفر خمسة خمسة وأربعين اثنان تسعه ثلاثة سبعه", "صفر خمسة خمسة وأربعين اثنان تسعه ثلاثة سبعه"),
    ],
)
def test_arabic_words_and_spellings(text: str, expected: str) -> None:
    assert_one(text, expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我的号码是一三七 零零九八 七六五四，有需要可以打给我", "一三七 零零九八 七六五四"),
        ("他在评论里写'加我 幺三九 一二三四 五六七八'，就是为了躲过审核", "幺三九 一二三四 五六七八"),
        ("我的电话是一八六一二三四五六七八", "一八六一二三四五六七八"),
        ("手机 幺八六 〇〇一二 三四五六", "幺八六 〇〇一二 三四五六"),
        ("加我一三八，零零一三，八两两零", "一三八，零零一三，八两两零"),
    ],
)
def test_chinese_numerals(text: str, expected: str) -> None:
    assert_one(text, expected)


# Digits and words mixed, and look-alike letters among digits.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the creep's bio said 'add me o7 seven 00 nine l2 3 four 5' lol", "o7 seven 00 nine l2 3 four 5"),
        ("son snap disait 'ajoute-moi au o6 1two 34 5six 78' genre", "o6 1two 34 5six 78"),
        ("en su perfil decía 'agrégame: 6l2 3cuatro5 6SIETE8' y obvio", "6l2 3cuatro5 6SIETE8"),
        ("كتب في البايو 'كلمني O1O 9eight7 65 43' عشان", "O1O 9eight7 65 43"),
        ("в био было 'пиши 8 9l2 З45 б7 89' — буквы вместо цифр", "8 9l2 З45 б7 89"),
        ("В комментах написали: «её номер +7-9О5-1ОО-2З-45», и буквы там", "+7-9О5-1ОО-2З-45"),
        ("他故意写成 l3九 OO88 七七66，其实就是他的手机号", "l3九 OO88 七七66"),
        ("номер +7 (9О5) 1ОО-2З-45 пиши", "+7 (9О5) 1ОО-2З-45"),
        ("my number is 07700 9OO461 x", "07700 9OO461"),
        ("mi número es 6I2 345 67|", "6I2 345 67|"),
        ("zero 7 seven 0 nine 1 two 3 four", "zero 7 seven 0 nine 1 two 3 four"),
        ("snap: 0six 12 trente4 56 sept9", "0six 12 trente4 56 sept9"),
    ],
)
def test_mixed_digits_words_and_look_alikes(text: str, expected: str) -> None:
    assert_one(text, expected)


def test_offsets_point_into_the_text() -> None:
    text = "hey — my number is zero seven seven double nine, four one two, six oh five. Bye"
    [(kind, start, end)] = phones(text)
    assert kind == "phone"
    assert text[start:end] == "zero seven seven double nine, four one two, six oh five"
    assert text[end] == "."


def test_two_numbers_in_one_text() -> None:
    text = (
        "mine is zero seven one two three four five six seven, hers is zero eight nine eight seven six five four three"
    )
    assert spans(text) == [
        "zero seven one two three four five six seven",
        "zero eight nine eight seven six five four three",
    ]


def test_a_full_stop_ends_a_number() -> None:
    phone = "zero seven seven double nine, four one two, six oh five"
    assert spans(f"{phone}. {phone}. {phone}.") == [phone] * 3
    assert spans("call me on zero seven seven. one two three five four six seven eight nine") == [
        "one two three five four six seven eight nine"
    ]


def test_eight_digits_need_a_cue() -> None:
    assert spans("my number is seven one two three four five six eight") == ["seven one two three four five six eight"]
    assert spans("whatsapp seis uno dos tres cuatro cinco seis ocho") == ["seis uno dos tres cuatro cinco seis ocho"]
    assert spans("номер восемь девять один шесть два три четыре пять") == [
        "восемь девять один шесть два три четыре пять"
    ]
    assert spans("加我 一三七零 九八七六") == ["一三七零 九八七六"]
    assert spans("I saw seven one two three four five six eight birds") == []


def test_span_leaves_out_the_words_around_it() -> None:
    assert spans("llama al seis uno dos tres cuatro cinco seis siete ocho porfa") == [
        "seis uno dos tres cuatro cinco seis siete ocho"
    ]
    assert spans("o seis uno dos tres cuatro cinco seis siete ocho o") == [
        "seis uno dos tres cuatro cinco seis siete ocho"
    ]


def test_too_many_digits_is_not_a_phone() -> None:
    assert spans("one two three four five six seven eight nine one two three four five six seven") == []


# What is not a phone number.


@pytest.mark.parametrize(
    "text",
    [
        "I have two brothers and three sisters",
        "one or two times a week",
        "on a parlé deux ou trois fois",
        "у меня два брата и три сестры",
        "我有一两个朋友",
        "第一二三名",
        "وقعدت ساعة أو ساعتين",
        "twenty twenty-four was hard",
        "one two three four five",
        "one two three four five six seven eight nine ten",
        "uno, dos, tres, cuatro, cinco, seis, siete, ocho, nueve",
        "ten nine eight seven six five four three two one zero",
        "一二三四五六七八九十",
        "dos y tres y cuatro y cinco y seis y siete y ocho y nueve y diez",
        "we won three one, then two two, then four nil",
        "she is fifteen, he is twelve and I am nine",
        "I was born in two thousand and nine",
    ],
)
def test_prose_with_number_words(text: str) -> None:
    assert spans(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "nineteen ninety-nine, twenty twenty, twenty twenty-one",
        "le douze mars deux mille vingt-quatre",
        "el veinticuatro de diciembre de dos mil veinte",
        "двадцать четвёртого февраля две тысячи двадцать второго года",
        "二〇二四年三月十五日",
        "from twenty nineteen to twenty twenty-two",
        "at seven thirty, eight fifteen and nine forty-five",
    ],
)
def test_years_dates_and_times_in_words(text: str) -> None:
    assert spans(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "我们一起去吧",
        "都一样",
        "十分感谢",
        "万一他来了怎么办",
        "他总是三心二意",
        "一五一十地告诉了老师",
        "我们一起去，一样的，十分好，万一，三心二意，一五一十",
        "她说一千零一夜的故事",
    ],
)
def test_chinese_words_with_numerals(text: str) -> None:
    assert spans(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "call me on 07700 900461",
        "My WhatsApp is +44 7911 123456",
        "text me on 0 7 9 8 4 - 3 3 1 - 2 0 7",
        "my game code is 1234 5678 9012",
        "map code 1234-5678-9012 for the server",
        "0771 234 567 two",
        "llámame al 612 345 678 o al 698 765 432",
        "en 2019 o 2020 o 2021 o 2022",
        "tengo 12 o 13 años y 612 345 678",
        "мой номер 8 916 123 45 67",
        "رقمي ٠١٠٩٨٧٦٥٤٣",
    ],
)
def test_plain_digits_are_left_to_numbers(text: str) -> None:
    assert spans(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "lol I 100 lol 200 lol",
        "OOO I love it, 10/10",
        "in year 9 I had 3 o'clock lessons",
        "у меня 9б класс, 11б, 5а",
        "Ill be there at 10, lol 1000000",
        "IO IOI lOl",
        "OK 123 456 789",
        "room 5b, 12 km, 3rd place, 2nd of 300 players",
    ],
)
def test_look_alike_letters_in_ordinary_words(text: str) -> None:
    assert spans(text) == []


# Speed: linear in the length of the text, whatever it holds.


@pytest.mark.parametrize(
    "text",
    [
        "one o " * 4000,
        "0О" * 10000,
        "0О " * 7000,
        "a " * 10000,
        "l" * 20000,
        "1l " * 7000,
        "九" * 20000,
        "七 " * 10000,
        "seven " * 4000,
        "soixante et " * 2000,
        "double " * 3000,
        "وخمسة " * 3000,
        "-" * 20000,
        "|" * 20000,
    ],
)
def test_long_adversarial_text_has_no_phone(text: str) -> None:
    assert spans(text) == []


def test_phone_after_long_text_is_found() -> None:
    text = "one o " * 3000 + "! my number is zero seven seven double nine, four one two, six oh five"
    [(_, start, end)] = phones(text)
    assert text[start:end] == "zero seven seven double nine, four one two, six oh five"
    text = "九" * 20000 + "。加我 一三七 零零九八 七六五四"
    assert spans(text) == ["一三七 零零九八 七六五四"]
    phone = "zero seven seven double nine, four one two, six oh five"
    assert spans(f"{phone}. " * 350) == [phone] * 350
