import gc
import threading

from tieout.server.gc_pause import paused_gc


def test_overlapping_pauses_resume_the_collector_once_the_last_ends():
    assert gc.isenabled()
    entered, release = threading.Event(), threading.Event()

    def other_import():
        with paused_gc():
            entered.set()
            release.wait(5)

    t = threading.Thread(target=other_import)
    with paused_gc():
        t.start()
        entered.wait(5)
    assert not gc.isenabled()  # the other import is still running
    release.set()
    t.join(5)
    assert gc.isenabled()


def test_collector_left_off_stays_off():
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
