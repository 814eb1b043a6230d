import logging

from hub.logs import PersonalDataFilter


def _record(msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("t", logging.INFO, __file__, 1, msg, args, None)


def test_id_numbers_and_mobiles_are_masked_in_log_records():
    record = _record("GET /x?id_number=%s&phone=%s ok", "32020619420315124X", "13901000315")
    PersonalDataFilter().filter(record)
    text = record.getMessage()
    assert "32020619420315124X" not in text and "13901000315" not in text
    assert "3202**********124X" in text and "139****0315" in text


def test_other_numbers_are_left_alone():
    record = _record("receipt MZGL20261125000001 took %d ms", 1234)
    PersonalDataFilter().filter(record)
    assert record.getMessage() == "receipt MZGL20261125000001 took 1234 ms"
