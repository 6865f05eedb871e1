"""Warning signs a young person gives before or around self-harm, abuse or coercion, in every language.

The sentences are written for this test, not taken from the corpus: goodbye letters, giving things
away, looking up a method, "I won't be around much longer", hurting oneself until it bleeds, being
hit with a belt or locked out overnight, threats against the family if the child tells. Beside them,
hard negatives with the same words (policy talk, news, essays, hyperbolic jokes) that must stay out.
"""

from __future__ import annotations

import pytest

from consult import languages
from consult.moderation.screening import screen


def _flagged(text: str, lang: str) -> bool:
    return "safeguarding" in screen(text, lang).flags


# A phrase whose first word runs into a parenthesis ("i('m| am) not safe at home") is tried only in
# texts holding a word it requires; that word was once the longest of the phrase, alternatives
# included, so "i'm scared to go home" needed "frightened" in the text to be found.
@pytest.mark.parametrize(
    "text",
    ["i'm scared to go home", "i'm not safe at home", "i've been cutting again", "I'm afraid of my stepdad"],
)
def test_a_phrase_starting_with_alternatives_is_found_without_its_longest_alternative(text):
    assert _flagged(text, "en")


# Russian puts a comma before "что" and after a subordinate clause, where "~" allows words in between.
@pytest.mark.parametrize(
    "text, lang",
    [("my stepdad, when he's drunk, hits me", "en"), ("زوج أمي، عندما يسكر، يضربني", "ar")],
)
def test_a_comma_may_come_before_the_words_a_phrase_lets_in_between(text, lang):
    assert _flagged(text, lang)


DISCLOSURES = {
    "en": [
        "I've already written goodbye letters to my mum and my little brother",
        "i gave away all my games and my hoodies bc i won't need them where i'm going",
        "last night i was googling how many paracetamol it would take to not wake up",
        "i won't be around much longer so it doesn't matter what i answer",
        "this is my last post, thank you all for being nice to me",
        "i pick at my skin till it bleeds when the voices in my head get loud",
        "i bang my head against the wall until i feel dizzy",
        "i haven't eaten for three days on purpose, i don't deserve food",
        "honestly i'd rather sleep and never wake up",
        "i make myself throw up after every meal",
        "i've been saving up my pills in a box under my bed",
        "my parents locked me out of the house overnight because i came home late",
        "my stepdad hits me with his belt when he's drunk",
        "my uncle grabbed me by the hair and dragged me to my room",
        "she burned me with a cigarette on my arm",
        "my parents don't feed me when they're angry",
        "my stepdad comes into my bedroom at night when mum is at work",
        "my football coach keeps touching my legs in the changing room",
        "he said nobody would ever believe me",
        "they said if i tell the police they'll hurt my little sister",
        "he told me snitches get stitches and he knows where i live",
        "i'm too scared to tell because they'll come after my family",
        "finished my goodbye letters tonight, feeling calm for once",
        "burned myself again with a lighter last night",
        "started cutting myself again after six months clean",
        "i dont think i'll be around next year tbh",
        "i keep a blade in my phone case",
        "sometimes i think about stepping in front of the bus",
        "how peaceful it would be to just not wake up",
        "i just want it all to stop for good",
        "my family would be better off if i was gone",
        "nobody would even notice if i disappeared",
        "my friend texted me she's gonna jump tonight, what do i do",
        "my big brother chokes me when mum is out",
        "my dad throws plates at me when he's angry",
        "we haven't had any food at home for four days",
        "my uncle makes me sit on his lap and i hate it",
        "my cousin does things to me when i stay at their house",
        "he says no one would believe a kid over a teacher",
        "he said if i tell anyone something bad will happen to my mum",
        "they keep saying my little sister is next",
        "she made me swear never to tell",
    ],
    "fr": [
        "J'ai déjà écrit mes lettres d'adieu pour ma mère et ma sœur",
        "j'ai donné toutes mes affaires à mes potes, j'en aurai plus besoin là où je vais",
        "hier soir j'ai cherché combien de doliprane il faut pour ne pas se réveiller",
        "je serai plus là bientôt de toute façon",
        "c'est mon dernier message, merci à ceux qui ont été gentils avec moi",
        "je me gratte les bras jusqu'au sang quand ça va pas",
        "je me tape la tête contre le mur jusqu'à avoir mal",
        "je mange plus depuis trois jours, je mérite pas de manger",
        "franchement je préfère dormir et ne jamais me réveiller",
        "je me fais vomir après chaque repas",
        "mes parents me mettent dehors toute la nuit quand j'ai des mauvaises notes",
        "mon beau-père me frappe avec sa ceinture quand il a bu",
        "mon oncle m'a attrapée par les cheveux",
        "il m'a brûlé avec sa cigarette sur le bras",
        "mon beau-père vient dans ma chambre la nuit quand maman travaille",
        "mon entraîneur de foot me touche les jambes dans les vestiaires",
        "il m'a dit que personne ne me croira",
        "ils ont dit que si je parle à la police ils vont s'en prendre à ma petite sœur",
        "j'ai trop peur de parler parce qu'ils vont s'en prendre à ma famille",
        "il m'a dit que les balances finissent mal",
    ],
    "es": [
        "ya escribí mis cartas de despedida para mi mamá y mi hermanita",
        "estoy regalando todas mis cosas, ya no las voy a necesitar donde voy",
        "anoche busqué cuántas pastillas hacen falta para no despertar",
        "ya no voy a estar aquí mucho tiempo, así que da igual",
        "este es mi último mensaje, gracias a los que fueron buena onda conmigo",
        "me rasco los brazos hasta sangrar cuando me siento mal",
        "me golpeo la cabeza contra la pared cuando nadie me ve",
        "llevo tres días sin comer para castigarme, no merezco comer",
        "la neta prefiero dormir y no despertar nunca",
        "me provoco el vómito después de cada comida",
        "estoy guardando pastillas en un cajón",
        "mis papás me dejan afuera toda la noche cuando saco malas notas",
        "mi padrastro me pega con el cinturón cuando está borracho",
        "mis viejos me dan con la correa cuando llego tarde",
        "mi tío me agarró del pelo y me arrastró a mi cuarto",
        "me cogió del cuello y me empujó contra la pared",
        "me quemó con un cigarro en el brazo",
        "el novio de mi mamá se mete a mi cuarto por la noche",
        "mi entrenador de fútbol me toca las piernas en el vestuario",
        "me dijo que nadie me va a creer",
        "me dijeron que si digo algo a la policía le van a hacer daño a mi hermanita",
        "tengo miedo de contarlo porque le pueden hacer algo a mi familia",
    ],
    "ru": [
        "я уже написала прощальные письма маме и младшему брату",
        "раздала все свои вещи подругам, мне они больше не понадобятся там куда я иду",
        "вчера ночью гуглила сколько таблеток нужно выпить чтобы не проснуться",
        "меня скоро не станет, так что неважно что я отвечу",
        "это моё последнее сообщение, спасибо тем, кто был добр ко мне",
        "я расчесываю руки до крови, когда накатывает",
        "я бьюсь головой об стену пока не начнёт кружиться голова",
        "я не ем уже три дня специально, я не заслуживаю еды",
        "честно, лучше бы уснуть и не проснуться",
        "я вызываю у себя рвоту после каждой еды",
        "я коплю таблетки в коробке под кроватью",
        "родители выгоняют меня на улицу на всю ночь, если я поздно прихожу",
        "отчим бьёт меня ремнём, когда напьётся",
        "батя снимает ремень, и я уже знаю, что будет",
        "дядя схватил меня за волосы и потащил в комнату",
        "он тушил об меня сигареты",
        "меня не кормят, когда я получаю двойки",
        "мамин парень приходит ко мне в комнату по ночам, когда мама на смене",
        "тренер по футболу лапает меня в раздевалке",
        "он сказал, что никто мне не поверит",
        "они сказали, что если я пойду в полицию, они что-то сделают с младшей сестрой",
        "я боюсь рассказать, потому что они доберутся до моей семьи",
    ],
    "ar": [
        "كتبت رسايل وداع لأمي وأخوي الصغير",
        "وزعت كل أغراضي على صحابي، مش هحتاجها في المكان اللي رايح له",
        "امبارح بالليل كنت ادور كام حباية لازم آخد عشان ما اصحاش",
        "مش هكون موجود كتير، فمش مهم ايه اللي بكتبه",
        "هذه آخر رسالة لي، شكرا لكل من كان لطيفا معي",
        "بحك جلدي لحد ما ينزل الدم لما اتضايق",
        "بضرب راسي في الحيط لحد ما أدوخ",
        "صار لي ايام ما اكل عشان اعاقب نفسي، ما استاهل الاكل",
        "والله نفسي انام وما اصحى",
        "بخلي نفسي استفرغ بعد كل اكلة",
        "قاعد اجمع حبوب وأخبيها تحت السرير",
        "أهلي يطردوني برا البيت طول الليل إذا رجعت متأخر",
        "زوج أمي يضربني بالحزام لما يسكر",
        "خالي مسكني من شعري وسحبني لغرفتي",
        "أبوي طفى سيجارته في إيدي",
        "ما يعطوني أكل لما أجيب درجات سيئة",
        "زوج أمي بيدخل أوضتي بالليل لما ماما بتكون في الشغل",
        "المدرب بيتحرش بيا في غرفة الملابس",
        "قالي محدش هيصدقك",
        "قالوا إذا رحت للشرطة راح يأذوا أختي الصغيرة",
        "خايفة احكي لأنهم رح يأذوا عيلتي",
    ],
    "zh": [
        "我已经给爸妈和弟弟写好了告别信",
        "我已經給爸媽寫好了遺書",
        "我把最喜欢的东西都送给朋友了，反正我要去的地方也用不上",
        "昨晚我在网上查了吃多少片安眠药会醒不过来",
        "我可能不会在很久了，所以我写什么都无所谓",
        "这是我最后一条留言，谢谢对我好的人",
        "难受的时候我会把胳膊抓到流血",
        "我经常用头撞墙，撞到头晕为止",
        "我三天没吃饭了，就是为了惩罚自己，我不配吃饭",
        "说真的，好想一睡不醒",
        "我每次吃完饭就去催吐",
        "我偷偷攒了好多安眠药藏在床底下",
        "我爸妈因为我回家晚，把我关在门外一整晚",
        "继父喝醉了就用皮带打我",
        "繼父喝醉了就用皮帶打我",
        "舅舅揪着我的头发把我拖进房间",
        "他用烟头烫我的手",
        "我考不好他们就不给我吃饭",
        "妈妈的男朋友每天晚上趁妈妈上夜班进我房间",
        "教练在更衣室里摸我的大腿",
        "他說沒有人會相信你",
        "他们说如果我报警，就伤害我妹妹",
        "我不敢说出去，因为怕他们报复我的家人",
    ],
}

HARD_NEGATIVES = {
    "en": [
        "Schools must stop teachers hitting kids with rulers.",
        "Suicide rates rise among teens, according to a new report.",
        "My essay is about goodbye letters in literature.",
        "I'll die if I fail this exam lol",
        "I wrote a goodbye card for my teacher who is retiring",
        "I gave away my old clothes to charity last weekend",
        "this is my last day of school!!! so happy",
        "I won't be around next week because of the school trip",
        "I banged my head on the door this morning, ouch",
        "I'll be gone for two weeks on holiday",
        "I googled how many calories are in a pizza",
        "Parents should never hit children with a belt, it is abuse.",
        "snitches get stitches is such a dumb saying",
        "nobody will believe me when I say I finished my homework early lol",
        "I'd rather die than do another group project",
        "playing this at my funeral lol",
        "my mom grabbed me by the arm when I almost walked into the road",
        "I made myself sick eating too much candy at halloween",
        "I burned myself on the oven again, I'm so clumsy",
        "this song does things to me",
        "we stood on the bridge and took photos of the sunset",
        "the teacher says we should write a plan for how to revise",
        "my little sister is next in line for the bathroom",
        "My grandma gave away her old furniture when she moved",
        "he won't be around much longer, grandpa is very ill",
        "I threw a pillow at my brother lol",
        "the essay was about how peaceful it would be to live in the countryside",
        "my mom made me promise to call when I arrive",
        "i want this rain to stop forever lol",
        "I haven't had food since breakfast, so hungry",
    ],
    "fr": [
        "Les écoles doivent empêcher les profs de frapper les élèves avec une règle.",
        "Le taux de suicide augmente chez les ados selon un nouveau rapport.",
        "Mon exposé porte sur les lettres d'adieu dans la littérature.",
        "J'ai écrit une carte d'au revoir pour ma prof qui part à la retraite",
        "J'ai donné mes vieux vêtements à une association",
        "c'est mon dernier jour au collège trop contente",
        "je serai pas là la semaine prochaine à cause du voyage scolaire",
        "Les parents ne devraient jamais frapper un enfant avec une ceinture.",
        "j'ai cherché comment faire un gâteau au chocolat",
        "personne ne me croira quand je dirai que j'ai fini mes devoirs mdr",
        "je me suis cogné la tête contre la porte ce matin aïe",
    ],
    "es": [
        "Las escuelas deben prohibir que los profes peguen a los alumnos con la regla.",
        "La tasa de suicidio sube entre los adolescentes, según un informe nuevo.",
        "Mi ensayo trata de las cartas de despedida en la literatura.",
        "Me muero si repruebo este examen jajaja",
        "Escribí una carta de despedida para mi profe que se jubila",
        "Regalé mi ropa vieja a una ONG el fin de semana",
        "este es mi último día de clases, qué felicidad",
        "la semana que viene no voy a estar porque tengo excursión",
        "Busqué cuántas calorías tiene una pizza",
        "Los padres nunca deberían pegar a sus hijos con el cinturón.",
        "nadie me va a creer cuando diga que terminé la tarea temprano jaja",
        "me di un golpe en la cabeza con la puerta esta mañana",
        "llevo la camiseta del Madrid a propósito",
        "mi mamá me jaló del brazo cuando casi cruzo la calle",
    ],
    "ru": [
        "Школы должны запретить учителям бить детей линейкой.",
        "Уровень самоубийств среди подростков растёт, говорится в новом докладе.",
        "Моё эссе о прощальных письмах в литературе.",
        "Я умру, если завалю этот экзамен, ахаха",
        "Я написала прощальную открытку учительнице, которая уходит на пенсию",
        "Я отдала старую одежду в благотворительный фонд",
        "это мой последний день в школе, ура",
        "меня не будет на следующей неделе из-за школьной поездки",
        "Я загуглила, сколько калорий в пицце",
        "Родители никогда не должны бить детей ремнём.",
        "никто не поверит, что я сделала домашку заранее, лол",
        "я ударилась головой о дверь утром, больно",
        "бьюсь головой об стену с этой задачей по матеше",
        "мама схватила меня за руку, когда я чуть не вышла на дорогу",
    ],
    "ar": [
        "يجب على المدارس منع المعلمين من ضرب الطلاب بالمسطرة.",
        "معدلات الانتحار ترتفع بين المراهقين حسب تقرير جديد.",
        "بحثي عن رسائل الوداع في الأدب العربي.",
        "هموت لو سقطت في الامتحان هههه",
        "كتبت بطاقة وداع لمعلمتي اللي رايحة تتقاعد",
        "وزعت هدومي القديمة على جمعية خيرية",
        "هذا آخر يوم في المدرسة يا فرحتي",
        "مش هكون موجود بكرة عشان عندنا رحلة",
        "بحثت كم سعرة حرارية في البيتزا",
        "لا يجوز أن يضرب الأهل أطفالهم بالحزام.",
        "محدش هيصدق اني خلصت الواجب بدري ههه",
        "خبطت راسي في الباب الصبح بالغلط",
        "البيت يخنقني من كتر الزحمة",
        "أمي مسكتني من إيدي لما كنت هعدي الشارع",
    ],
    "zh": [
        "学校应该禁止老师用尺子打学生。",
        "新报告显示青少年自杀率上升。",
        "我的作文写的是文学作品里的遗书。",
        "我给要退休的老师写了一张告别卡片",
        "我把旧衣服捐给了慈善机构",
        "今天是我在学校的最后一天，好开心",
        "下周我不在，因为要去春游",
        "我查了一下一块披萨有多少卡路里",
        "家长绝对不应该用皮带打孩子。",
        "说我提前写完作业了，肯定没人会信哈哈",
        "今天早上我不小心撞到门上了，好疼",
        "这道数学题难得我想撞墙",
        "过马路的时候妈妈一把抓住我的手",
    ],
}


@pytest.mark.parametrize("lang, text", [(lang, text) for lang, texts in DISCLOSURES.items() for text in texts])
def test_a_warning_sign_is_flagged(lang, text):
    assert _flagged(text, lang)


@pytest.mark.parametrize("lang, text", [(lang, text) for lang, texts in HARD_NEGATIVES.items() for text in texts])
def test_talk_news_and_jokes_with_the_same_words_are_not_flagged(lang, text):
    assert not _flagged(text, lang)


def test_every_language_has_its_warning_signs_and_hard_negatives():
    assert {lang: len(DISCLOSURES.get(lang, ())) >= 6 for lang in languages.codes()} == dict.fromkeys(
        languages.codes(), True
    )
    assert {lang: len(HARD_NEGATIVES.get(lang, ())) >= 6 for lang in languages.codes()} == dict.fromkeys(
        languages.codes(), True
    )
