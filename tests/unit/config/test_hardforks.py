from op_program.config.hardforks import TIMED_FORKS, Fork, HardforkTimes


def test_fork_order_and_time_fields() -> None:
    names = [f.value for f in Fork]
    assert names == [
        "bedrock",
        "regolith",
        "canyon",
        "delta",
        "ecotone",
        "fjord",
        "granite",
        "holocene",
        "pectra_blob_schedule",
        "isthmus",
        "jovian",
        "karst",
        "interop",
    ]
    assert Fork.PECTRA_BLOB_SCHEDULE.time_field == "pectra_blob_schedule_time"
    assert Fork.BEDROCK not in TIMED_FORKS


def test_activation_at_exact_time() -> None:
    hf = HardforkTimes(ecotone_time=100)
    assert not hf.is_active(Fork.ECOTONE, 99)
    assert hf.is_active(Fork.ECOTONE, 100)
    assert hf.is_active(Fork.BEDROCK, 0)


def test_later_fork_implies_earlier() -> None:
    hf = HardforkTimes(holocene_time=50)
    for fork in (Fork.REGOLITH, Fork.CANYON, Fork.DELTA, Fork.ECOTONE, Fork.FJORD, Fork.GRANITE):
        assert hf.is_active(fork, 50)
        assert not hf.is_active(fork, 49)


def test_unset_fork_never_active() -> None:
    hf = HardforkTimes(regolith_time=0)
    assert not hf.is_active(Fork.CANYON, 2**63)
    assert hf.time_of(Fork.CANYON) is None


def test_pectra_blob_schedule_is_standalone() -> None:
    hf = HardforkTimes(jovian_time=10)
    assert not hf.is_active(Fork.PECTRA_BLOB_SCHEDULE, 10)
    hf2 = HardforkTimes(pectra_blob_schedule_time=5)
    assert hf2.is_active(Fork.PECTRA_BLOB_SCHEDULE, 5)
    assert not hf2.is_active(Fork.ISTHMUS, 5)
    assert not hf2.is_active(Fork.HOLOCENE, 5)


def test_karst_only_by_its_own_time_but_implies_jovian() -> None:
    assert not HardforkTimes(interop_time=1).is_active(Fork.KARST, 10)
    hf = HardforkTimes(karst_time=20)
    assert hf.is_active(Fork.KARST, 20)
    assert hf.is_active(Fork.JOVIAN, 20)
    assert not hf.is_active(Fork.JOVIAN, 19)


def test_interop_implies_jovian() -> None:
    assert HardforkTimes(interop_time=3).is_active(Fork.ISTHMUS, 3)


def test_active_fork() -> None:
    hf = HardforkTimes(
        regolith_time=0, canyon_time=10, pectra_blob_schedule_time=0, isthmus_time=30
    )
    assert hf.active_fork(0) is Fork.REGOLITH
    assert hf.active_fork(10) is Fork.CANYON
    assert hf.active_fork(31) is Fork.ISTHMUS
    assert list(hf.as_dict())[0] == "regolith_time"
