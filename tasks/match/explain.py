"""An alignment of sentences or words, told in paragraphs: what a reader can check."""

from __future__ import annotations

from tasks.match.units import Segments
from tasks.models import ParagraphAlignment


def describe_alignment(
    variant: Segments, source: Segments, pairs: tuple[tuple[int, int], ...]
) -> ParagraphAlignment:
    """Source paragraphs covered, variant paragraphs added, share of source text covered.

    >>> from tasks.match.units import sentences
    >>> source = sentences("One here. Two here.\\n\\nThree here.\\n\\nFour here.")
    >>> variant = sentences("Advertisement\\n\\nOne here. Two here.\\n\\nFour here.")
    >>> described = describe_alignment(variant, source, ((1, 0), (2, 1), (3, 3)))
    >>> described.source_paragraphs, described.added_paragraphs, described.source_coverage
    ([1, 3], [1], 0.714)
    """
    aligned_variant = {variant.paragraph_of[i] for i, _ in pairs}
    covered = sorted({source.paragraph_of[j] + 1 for _, j in pairs})
    total = sum(len(text) for text in source.texts) or 1
    reproduced = sum(len(source.texts[j]) for j in {j for _, j in pairs})  # links pair twice
    return ParagraphAlignment(
        source_paragraphs=covered,
        source_paragraph_count=source.paragraph_count,
        added_paragraphs=[
            number + 1 for number in range(variant.paragraph_count) if number not in aligned_variant
        ],
        variant_paragraph_count=variant.paragraph_count,
        source_coverage=round(reproduced / total, 3),
    )
