"""Progress output: a bar on a terminal, plain lines otherwise, nothing when quiet."""

from __future__ import annotations

import io

from flows.progress import Bar, Lines, Silent, StageClock, sink_for


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_sink_follows_the_stream() -> None:
    assert isinstance(sink_for(Terminal(), quiet=False), Bar)
    assert type(sink_for(io.StringIO(), quiet=False)) is Lines
    assert isinstance(sink_for(Terminal(), quiet=True), Silent)


def test_bar_redraws_in_place_and_leaves_one_line_per_stage() -> None:
    screen = Terminal()
    clock = StageClock(Bar(screen))
    with clock.stage("clean", 4):
        clock.advance(2)
    drawn = screen.getvalue()
    assert drawn.startswith("\r\033[Kclean        [------------------------------] 0/4 files")
    assert drawn.endswith("\r\033[Kcopydesk: clean              4 files   0.0 s\n")
    assert [timing.stage for timing in clock.timings] == ["clean"]
