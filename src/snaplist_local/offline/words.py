"""Put back the spaces that OCR drops between words, using a small list of English words.

PP-OCR's recogniser (RapidOCR ships the Chinese-trained model) often reads two printed words as
one: "TheWizard", "THEORIGINAL", "PICTURESBY". A token is split in two only when both halves are
words of the list below, or when the first half is a short function word ("The", "of", "by")
glued to a capitalised word ("TheWizard"). Anything else is left as OCR read it.
"""

import re


def _listed(text: str) -> list[str]:
    return text.split()


# Limitation: a few hundred common English words, not a dictionary; a run-on of two rarer words
# stays joined, and words of other languages are never split.
_FUNCTION_WORDS = _listed(
    """
a an the of and or by in on at to for from with without into over under about after before
my your our his her its their this that these those is are was be not no new all one two
"""
)

_CONTENT_WORDS = _listed(
    """
about above across act adventure adventures age air album all alone amazing america american
ancient animal animals annual answer any anyone apple art arts atlas autumn away baby back bad
ball band bay beach bear beautiful bed best big bird birds black blue boat body bold book books
born box boy boys bread bright british brown build building burn business cake call can car care
case castle cat cats cause centre century change chapter child children choice city classic
classics clean clear clock cold collection colour come complete cook cookbook cooking cool
country course cover craft cross dark day days dead dear deep design diary dinner dog dogs door
down dream dreams drink earth east easy edition eight end english europe every eye eyes face fact
fairy fall family famous far farm fast father fear field fifth fine fire first fish five flower
flowers fly food forest forever four free french fresh friend friends full fun game garden gift
girl girls give glass gold golden good great green ground grow guide half hand hands happy hard
head health heart heaven high hill history holiday home horse hot hour house how human hundred
ice idea illustrated island journey keep key kid kids kind king kingdom kitchen land large last
late learn left legend less letter letters life light like line lion little live long lord lost
love low lunch made magic make man many map market master me men might mind modern moment money
moon more morning most mother mountain move much music must mystery name nature near never next
night nine north note nothing novel now number ocean off office old once only open orange original
other out own page paper park part party past people perfect person picture pictures piece place
plan plant play poems poetry power press price prince princess queen quick quiet rain read real
red rest return right river road rock room rose round royal run salt sea season second secret
see seven shadow shall ship short show side silver simple sister six sky small snow soft song
songs sound south space special spring square star stars start stone stories story street strong
study summer sun sweet table tale tales teacher tell ten thing things third three time times
today together top town travel tree trees true truth turn twelve under up us very voice volume
walk wall war warm watch water way west white whole wild wind window winter woman women wood
word words work world year years yellow young
"""
)

ENGLISH_WORDS = frozenset(_FUNCTION_WORDS + _CONTENT_WORDS)
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS)

_TOKEN = re.compile(r"[A-Za-z]+")
# The second half of a function-word split must look like a capitalised word: "TheWizard".
_CAPITALISED = re.compile(r"[A-Z][a-z]{2,}")


def is_word(text: str) -> bool:
    return text.lower() in ENGLISH_WORDS


def split_joined(text: str, keep: frozenset[str] = frozenset()) -> str:
    """The line with glued word pairs split; tokens in `keep` (maker names) stay whole."""
    return _TOKEN.sub(lambda match: _split_token(match.group(0), keep), text)


def _split_token(token: str, keep: frozenset[str]) -> str:
    if len(token) < 4 or is_word(token) or token.lower() in keep:
        return token
    for cut in _cuts(token):
        left, right = token[:cut], token[cut:]
        if is_word(left) and is_word(right) and _same_case_shape(left, right):
            return f"{left} {right}"
        if left.lower() in FUNCTION_WORDS and _CAPITALISED.fullmatch(right) and left[0].isupper():
            return f"{left} {right}"
    return token


def _cuts(token: str) -> list[int]:
    # A case change ("TheWizard") is the likeliest place of a lost space, so it is tried first.
    changes = [i for i in range(1, len(token)) if token[i - 1].islower() and token[i].isupper()]
    others = [i for i in range(1, len(token)) if i not in changes]
    return changes + sorted(others, key=lambda i: -min(i, len(token) - i))


def _same_case_shape(left: str, right: str) -> bool:
    """All capitals on both sides, or a case change exactly at the cut ("TheWizard")."""
    if left.isupper() and right.isupper():
        return len(left) >= 2 and len(right) >= 2
    return left[-1].islower() and right[0].isupper()
