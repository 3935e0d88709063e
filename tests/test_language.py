"""Language checks beyond the script: `check_language`, and URLs that must not vote."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from bialign import LanguageError, detect_language, read_article, segment
from bialign.errors import LanguageWarning
from bialign.segmentation import check_language

ROOT = Path(__file__).resolve().parents[1]
NTREX = ROOT.parent / "shared" / "data" / "ntrex-comparable-dev"

FRENCH = (
    "Le ministre syrien des Affaires étrangères est arrivé lundi à Pékin pour des entretiens "
    "avec son homologue chinois. Les deux pays ont signé un accord sur la sécurité et ils "
    "veulent aussi renforcer leur coopération dans la lutte contre le terrorisme."
)
GERMAN = (
    "Der syrische Außenminister ist am Montag in Peking eingetroffen und hat mit seinem "
    "chinesischen Amtskollegen gesprochen. Die beiden Länder wollen auch die Zusammenarbeit "
    "bei der Sicherheit verstärken, sagte ein Sprecher nach dem Treffen."
)
SPANISH = (
    "El ministro sirio de Asuntos Exteriores llegó el lunes a Pekín para mantener "
    "conversaciones con su homólogo chino. Los dos países firmaron un acuerdo de seguridad "
    "y también quieren reforzar la cooperación contra el terrorismo, según un portavoz."
)
TURKISH = (
    "Suriye Dışişleri Bakanı pazartesi günü Pekin'e gitti ve Çinli mevkidaşı ile bir görüşme "
    "yaptı. İki ülke güvenlik alanında daha çok işbirliği için anlaştı, ancak ayrıntılar "
    "açıklanmadı. Bakan, görüşmenin olumlu geçtiğini söyledi ve bu ziyaretin önemli olduğunu "
    "belirtti."
)
PERSIAN = (
    "وزیر امور خارجه سوریه روز دوشنبه برای گفتگو با همتای چینی خود به پکن سفر کرد. "
    "این دو کشور توافق کردند که همکاری امنیتی را گسترش دهند و گفت که این سفر مهم است."
)
URDU = (
    "شام کے وزیر خارجہ پیر کو بیجنگ پہنچے اور چینی ہم منصب سے ملاقات کی۔ "
    "دونوں ممالک نے سیکیورٹی تعاون بڑھانے پر اتفاق کیا ہے اور یہ دورہ اہم تھا۔"
)
ARABIC = (
    "اتفقت سوريا والصين على تعزيز التعاون في مجالات الأمن ومكافحة الإرهاب. "
    "وقال وزير الخارجية السوري أسعد الشيباني إن الزيارة مهمة. "
    "وأضاف أن البلدين يعملان معا على إعادة الإعمار."
)


def warned(text: str, expected: str) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_language(text, expected)
    return [str(w.message) for w in caught if issubclass(w.category, LanguageWarning)]


class TestOtherLanguageInTheRightScript:
    @pytest.mark.parametrize(
        ("text", "language", "word"),
        [
            (FRENCH, "French", "'les'"),
            (GERMAN, "German", "'und'"),
            (SPANISH, "Spanish", "'los'"),
            (TURKISH, "Turkish", "'ve'"),
        ],
    )
    def test_latin_languages_passed_as_english_warn_with_evidence(
        self, text: str, language: str, word: str
    ) -> None:
        msgs = warned(text, "en")
        assert len(msgs) == 1
        assert f"reads as {language}, not English" in msgs[0]
        assert word in msgs[0]

    @pytest.mark.parametrize(("text", "language"), [(PERSIAN, "Persian"), (URDU, "Urdu")])
    def test_persian_and_urdu_passed_as_arabic_warn(self, text: str, language: str) -> None:
        msgs = warned(text, "ar")
        assert len(msgs) == 1
        assert f"reads as {language}, not Arabic" in msgs[0]
        assert "letters" in msgs[0]

    def test_read_article_warns_when_lang_is_given(self) -> None:
        with pytest.warns(LanguageWarning, match="French"):
            art = read_article(FRENCH, lang="en")
        assert art.lang == "en"

    def test_name_appears_in_the_message(self) -> None:
        with pytest.warns(LanguageWarning, match="^the English side reads as French"):
            check_language(FRENCH, "en", name="the English side")

    @pytest.mark.parametrize(("text", "lang"), [(ARABIC, "ar"), ("Syria and China agreed.", "en")])
    def test_plain_texts_do_not_warn(self, text: str, lang: str) -> None:
        assert warned(text, lang) == []

    def test_english_with_foreign_names_and_a_french_quote_does_not_warn(self) -> None:
        text = (
            "Staffan de Mistura met Le Drian and Jean-Yves Le Drian's deputy in Paris. "
            "The minister said the talks were useful and that France would help. "
            "\"C'est la vie,\" he told reporters at the Quai d'Orsay on Monday."
        )
        assert warned(text, "en") == []

    def test_arabic_with_a_persian_name_does_not_warn(self) -> None:
        assert warned(ARABIC + " والتقى الوزير بمسعود پزشکیان في طهران.", "ar") == []


class TestScriptContradictsLang:
    def test_english_given_as_arabic_is_a_language_error(self) -> None:
        with pytest.raises(LanguageError, match=r"lang='ar'.*Latin script") as info:
            segment("Syria and China agreed to deepen cooperation.", lang="ar")
        assert (info.value.expected, info.value.found) == ("ar", "en")

    def test_arabic_given_as_english_is_a_language_error(self) -> None:
        with pytest.raises(LanguageError, match="Arabic script"):
            read_article(ARABIC, lang="en")

    def test_check_language_raises_too(self) -> None:
        with pytest.raises(LanguageError):
            check_language(FRENCH, "ar")


class TestNonWordsDoNotVote:
    def test_long_url_does_not_make_arabic_latin(self) -> None:
        url = "https://example.com/" + "a" * 16_579
        assert len(url) == 16_599
        sentences = [s for s in ARABIC.split(". ") if s]
        text = ". ".join([*sentences, "ونشرت الوكالة الخبر على موقعها.", url, "وانتهى الاجتماع."])
        assert detect_language(text) == "ar"
        art = read_article(text, lang="ar")
        assert art.lang == "ar"

    @pytest.mark.parametrize(
        "noise",
        [
            "contact: press.office.of.the.ministry@example-agency.gov.sy",
            "follow @SyrianForeignMinistryOfficialAccount",
            "www.verylongexamplesitename.com/news/politics/syria-china-agreement-2025",
            "aa.com.tr/en/middle-east/syria-china-pledge-closer-collaboration-on-security",
        ],
    )
    def test_mail_handles_and_domains_do_not_vote(self, noise: str) -> None:
        assert detect_language(f"اتفقت سوريا والصين. {noise}") == "ar"


def _ntrex_cases() -> list[Path]:
    return sorted(NTREX.glob("*.json"))[:12]


@pytest.mark.skipif(not NTREX.is_dir(), reason="shared NTREX data not present")
@pytest.mark.parametrize("path", _ntrex_cases(), ids=lambda p: p.stem)
def test_no_false_warnings_on_ntrex(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    assert warned("\n".join(case["english"]), "en") == []
    assert warned("\n".join(case["arabic"]), "ar") == []


@pytest.mark.parametrize("path", sorted((ROOT / "seeds").glob("*.txt")), ids=lambda p: p.stem)
def test_no_false_warnings_on_the_seeds(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert warned(text, detect_language(text)) == []
