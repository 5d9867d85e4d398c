from __future__ import annotations

import datetime as dt

import pytest

import tasks.match.match_index as match_index_module
import tasks.match.score as score_module
from tasks.match.align import Alignment, align_sentences, align_words
from tasks.match.assign import assign_variants
from tasks.match.candidates import Candidate
from tasks.match.score import Scored, Units, punctuation_lost
from tasks.match.thresholds import MATCH_THRESHOLD, Thresholds
from tasks.match.units import content_words, sentences, words
from tasks.models import RejectReason
from tests.helpers import parsed, ranked_positions, text_index

DAY = dt.date(2025, 5, 15)
STORY = (
    "The council approved the new harbour bridge on Monday after a long debate.\n\n"
    "Mayor Alice Brennan said the bridge would open in 2027. Critics warned that the cost "
    "had doubled since the first estimate.\n\n"
    "Engineers from Halvorsen Partners will begin surveying the estuary next month. "
    "Residents of Kettleby have opposed the route for years."
)
OTHER_STORY = (
    "A storm closed the harbour on Monday and cancelled all ferries.\n\n"
    "Mayor Alice Brennan said the council would meet to discuss emergency funds. The coast "
    "guard rescued two sailors near the estuary.\n\n"
    "Forecasters expect calmer weather by the weekend."
)


def test_words_and_sentences() -> None:
    assert words("Mayor O'Neil, 2027!") == ["mayor", "neil", "2027"]
    assert sentences("First one. Second one!\n\nThird\nline").texts == [
        "first one",
        "second one",
        "third line",
    ]


def test_candidates_rank_by_shared_distinctive_words() -> None:
    index = text_index([OTHER_STORY, STORY, "Football results from the weekend."])
    assert ranked_positions(index, STORY.replace("Monday", "Tuesday"), k=2) == [1, 0]
    top = index.candidates.top(STORY.replace("Monday", "Tuesday"), k=2)
    assert top[0].similarity > top[1].similarity


def test_candidates_ignore_unknown_words() -> None:
    assert text_index([STORY]).candidates.top("zzz qqq", k=3) == []


@pytest.mark.parametrize(
    ("variant", "low", "high"),
    [
        (STORY, 100, 100),
        (STORY.split("\n\n")[0], 100, 100),  # truncation
        (STORY + "\n\nAdvertisement\n\nShare this article", 85, 99),  # boilerplate added
        ("\n\n".join(reversed(STORY.split("\n\n"))), 100, 100),  # paragraphs moved verbatim
        (STORY.replace("e", "c").replace("o", "0"), 60, 95),  # OCR-like noise
        # Same town, same mayor, one sentence of the same shape: a different article.
        (OTHER_STORY, 0, 30),
    ],
)
def test_alignment_scores(variant: str, low: float, high: float) -> None:
    score = align_sentences(sentences(variant).texts, sentences(STORY).texts).score
    assert low <= score <= high


def test_ocr_copy_without_punctuation_still_matches() -> None:
    """OCR that lost its full stops is one long "sentence": the word-order measure finds it."""
    ocr = STORY.replace(".", "").replace("e", "c").replace("l", "1").replace("\n\n", " ")
    (match,) = assign_variants([parsed("s1", STORY, DAY)], [parsed("v", ocr)]).matches
    assert match.score >= 80


def test_word_order_distinguishes_another_article() -> None:
    other, story = content_words(OTHER_STORY).texts, content_words(STORY).texts
    assert align_words(other, story).score < 30
    assert align_words(story, story).score == 100.0


def test_alignment_of_nothing_is_zero() -> None:
    assert align_sentences([], ["a b c"]).score == 0.0
    assert align_sentences(["a b c"], []).score == 0.0


def test_assign_matches_best_source_and_rejects_the_rest() -> None:
    sources = [parsed("s1", STORY, DAY), parsed("s2", OTHER_STORY, DAY)]
    variants = [
        parsed("v-copy", STORY.split("\n\n")[1]),
        parsed("v-unrelated", "Football results: United beat City two goals to one."),
        parsed("v-orphan", "Zebras escaped overnight, keepers confirmed."),
    ]
    assignment = assign_variants(sources, variants)
    assert [(m.variant, m.source, m.score) for m in assignment.matches] == [("v-copy", "s1", 100.0)]
    assert [(r.path, r.reason) for r in assignment.rejected] == [
        ("v-unrelated", RejectReason.NO_MATCHING_SOURCE),
        ("v-orphan", RejectReason.NO_MATCHING_SOURCE),
    ]
    assert assignment.rejected[1].detail == (
        "no source in this run shares any distinctive word with it"
    )


def test_rejection_names_best_candidate_and_score() -> None:
    sources = [parsed("s1", STORY, DAY)]
    variant = parsed("v", OTHER_STORY)
    (rejection,) = assign_variants(sources, [variant]).rejected
    assert rejection.detail.startswith("best candidate s1 scored ")
    assert rejection.detail.endswith(f", below the threshold {MATCH_THRESHOLD:.1f}")


def test_threshold_is_configurable() -> None:
    sources = [parsed("s1", STORY, DAY)]
    variant = parsed(
        "v", STORY + "\n\nA wholly new closing paragraph about other matters entirely."
    )
    assert assign_variants(sources, [variant], Thresholds(sentences=99.9)).matches == []
    assert len(assign_variants(sources, [variant], Thresholds(sentences=50)).matches) == 1


def test_word_order_matches_have_their_own_threshold() -> None:
    ocr = STORY.replace(".", "").replace("e", "c").replace("l", "1").replace("\n\n", " ")
    sources = [parsed("s1", STORY, DAY)]
    (match,) = assign_variants(sources, [parsed("v", ocr)]).matches
    assert match.measure == "word_order"
    strict = Thresholds(sentences=0.0, word_order=match.score + 0.1)
    (rejection,) = assign_variants(sources, [parsed("v", ocr)], strict).rejected
    assert rejection.detail.endswith(f"below the threshold {match.score + 0.1:.1f}")


def test_no_sources_rejects_every_variant() -> None:
    (rejection,) = assign_variants([], [parsed("v", STORY)]).rejected
    assert (rejection.reason, rejection.detail) == (
        RejectReason.NO_MATCHING_SOURCE,
        "there is no source (dated document) in this run to match it to",
    )


def test_common_word_variant_falls_back_to_its_rarest_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With every word above the posting bound, the variant is still looked up."""
    monkeypatch.setattr("tasks.match.candidates.MAX_POSTINGS", 1)
    notice = "Qtly div cts payable May record April"
    index = text_index([notice, notice + " nine", "Unrelated text here"])
    scores, looked_up, cutoff = index.candidates._accumulate([("payable", 1.0, 2)], 1, 5)
    assert (scores.numbers.size, looked_up, cutoff) == (0, [], None)  # above the bound
    found = index.candidates.lookup(notice, k=2)
    assert [int(index.path(c.source)) for c in found.candidates] == [0, 1]
    assert (found.cutoff, found.fallback, len(found.looked_up)) == (None, True, 5)


def test_word_order_only_where_punctuation_is_lost() -> None:
    run_on = Units(STORY.replace(".", "").replace("\n\n", " "))
    normal = Units(STORY)
    assert punctuation_lost(run_on, normal)
    assert not punctuation_lost(normal, normal)
    assert not punctuation_lost(Units(OTHER_STORY), normal)


def test_equal_scores_are_ordered_by_index_similarity() -> None:
    """Both candidates score the same; the one sharing more rare words comes first, though
    its path sorts last."""
    sources = [
        parsed("a-weak", "The zoo reopened on Sunday. " * 5 + "Its zebras stayed inside.", DAY),
        parsed("b-story", STORY, DAY),
    ]
    variant = parsed("v", "Kettleby zebras escaped near Halvorsen.")
    (rejection,) = assign_variants(sources, [variant]).rejected
    assert [(c.source, c.score) for c in rejection.candidates] == [
        ("b-story", 0.0),
        ("a-weak", 0.0),
    ]


def test_templated_items_are_told_apart_by_their_titles() -> None:
    notice = "Qtly div 15 cts vs 15 cts prior.\n\nPay April 30. Record April 14."
    sources = [
        parsed("acme", notice, DAY, title="ACME CORP SETS QUARTERLY"),
        parsed("bic", notice, DAY, title="BIC CORP SETS QUARTERLY"),
    ]
    variant = parsed("v", notice + "\n\nRead more…", title="BIC CORP SETS QUARTERLY")
    (match,) = assign_variants(sources, [variant]).matches
    assert (match.source, match.margin) == ("bic", 0.0)  # equal bodies: the title decides


def test_a_failing_variant_is_rejected_and_the_others_go_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_score = score_module.score_candidate

    def failing(variant: Units, source: Units, candidate: Candidate) -> object:
        if "Zebras" in variant.text:
            raise RuntimeError("boom")
        return real_score(variant, source, candidate)

    monkeypatch.setattr(match_index_module, "score_candidate", failing)
    sources = [parsed("s1", STORY, DAY)]
    variants = [parsed("bad", "Zebras of Kettleby escaped."), parsed("good", STORY)]
    assignment = assign_variants(sources, variants)
    assert [m.variant for m in assignment.matches] == ["good"]
    assert [(r.path, r.reason.value, r.detail) for r in assignment.rejected] == [
        ("bad", "internal_error", "RuntimeError: boom")
    ]


def test_huge_texts_are_compared_by_a_bounded_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tasks.match.align.MAX_SENTENCES", 3)
    monkeypatch.setattr("tasks.match.align.MAX_WORDS", 3)
    many = [f"sentence number {n} here" for n in range(50)]
    assert align_sentences(many, many).pairs == ((0, 0), (1, 1), (2, 2))
    assert align_words(many, many).pairs == ((0, 0), (1, 1), (2, 2))


def test_margin_across_measures_stays_within_100() -> None:
    no_pairs = Alignment(0.0, ())
    best = Scored(95.0, 0.5, 0, no_pairs, by_words=True)
    sentence_zero = Scored(0.0, 0.1, 1, no_pairs, by_words=False)
    word_zero = Scored(0.0, 0.1, 1, no_pairs, by_words=True)
    thresholds = Thresholds(sentences=50.0, word_order=38.0)
    assert thresholds.margin(best, sentence_zero) == 100.0  # 57 - (-50) = 107, capped
    assert thresholds.margin(best, word_zero) == 95.0  # one measure: the score difference
    assert thresholds.margin(best, None) == 95.0


def test_margin_across_measures_through_assignment() -> None:
    """Best by word order, runner-up by sentences (its own sentences run on too)."""
    ocr = STORY.replace(".", "").replace("\n\n", " ")
    run_on_other = " ".join([OTHER_STORY] * 3).replace(".", "").replace("\n\n", " ")
    sources = [parsed("s1", STORY, DAY), parsed("s2", run_on_other, DAY)]
    (match,) = assign_variants(sources, [parsed("v", ocr)]).matches
    assert (match.measure, match.runner_up and match.runner_up.source) == ("word_order", "s2")
    assert match.margin == 100.0


def test_garbage_collection_resumes_after_matching() -> None:
    import gc

    assign_variants([parsed("s1", STORY, DAY)], [parsed("v", STORY)])
    assert gc.isenabled()
    gc.disable()
    try:
        assign_variants([parsed("s1", STORY, DAY)], [parsed("v", STORY)])
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()
