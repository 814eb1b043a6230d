"""Workers' accounts in the vault: bound as pending, kept only when verified, used on record."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from hub.crypto import FieldCipher
from hub.store import (
    ChangeRecord,
    Credential,
    CredentialBind,
    CredentialUse,
    accounts_of,
    bind_credential,
    current_credential,
    get_credential,
    open_credential,
    record_use,
    refuse_use,
    session_scope,
    settle_check,
    unbind,
)
from hub.store._models_audit import AuditEntry
from hub.vault import VaultError
from tests.factories import (
    COMMUNITY,
    add_community,
    add_resident,
    add_submission,
    make_cipher,
    make_vault,
)
from tests.hub.store.conftest import RawStore

VAULT = make_vault()
CIVIL = "civil_affairs"
LOGIN, PASSWORD = "yuqi-wanghong", "Wanghong-2026!𠮷"


def typed(login: str = LOGIN, password: str = PASSWORD) -> CredentialBind:
    return CredentialBind.model_validate({"login_name": login, "password": password})


def bind(engine: Engine, *, owner: str = "worker-a", verified: bool = False, **kw: str) -> str:
    with session_scope(engine, actor=owner) as session:
        add_community(session)
        credential = bind_credential(
            session=session,
            vault=VAULT,
            community=COMMUNITY,
            owner=owner,
            connector_id=CIVIL,
            data=typed(**kw),
            verified=verified,
        )
        return credential.id


def settle(engine: Engine, credential_id: str, *, verified: bool) -> str:
    with session_scope(engine) as session:
        return settle_check(
            session=session, cipher=make_cipher(), credential_id=credential_id, verified=verified
        )


def rows(engine: Engine, owner: str = "worker-a") -> dict[str, str]:
    """state -> the login name, of her credentials for the civil-affairs system."""
    with Session(engine) as session:
        found = session.exec(select(Credential).where(Credential.owner_username == owner)).all()
        return {c.state: open_credential(vault=VAULT, credential=c)[0] for c in found}


def test_a_bound_account_is_pending_until_its_test_login_works(engine: Engine) -> None:
    credential_id = bind(engine)
    assert rows(engine) == {"pending": LOGIN}
    with Session(engine) as session:
        assert current_credential(session=session, owner="worker-a", connector_id=CIVIL) is None

    assert settle(engine, credential_id, verified=True) == "verified"

    with Session(engine) as session:
        credential = current_credential(session=session, owner="worker-a", connector_id=CIVIL)
        assert credential is not None and credential.verified_at is not None
        assert open_credential(vault=VAULT, credential=credential) == (LOGIN, PASSWORD)


def test_a_refused_account_is_deleted_and_the_working_one_kept(engine: Engine) -> None:
    bind(engine, verified=True)
    wrong = bind(engine, password="typo")
    assert rows(engine) == {"verified": LOGIN, "pending": LOGIN}

    assert settle(engine, wrong, verified=False) == "discarded"

    assert rows(engine) == {"verified": LOGIN}
    with Session(engine) as session:
        kept = current_credential(session=session, owner="worker-a", connector_id=CIVIL)
        assert kept is not None and open_credential(vault=VAULT, credential=kept)[1] == PASSWORD
        assert get_credential(session=session, credential_id=wrong) is None


def test_a_verified_replacement_takes_the_place_of_the_old_account(engine: Engine) -> None:
    old = bind(engine, verified=True)
    new = bind(engine, login="wanghong-new")

    settle(engine, new, verified=True)

    assert rows(engine) == {"verified": "wanghong-new"}
    with Session(engine) as session:
        assert get_credential(session=session, credential_id=old) is None


def test_binding_again_replaces_a_pending_account_and_its_late_check_changes_nothing(
    engine: Engine,
) -> None:
    first = bind(engine, password="first-try")
    second = bind(engine, password="second-try")

    assert settle(engine, first, verified=True) == "gone"  # she re-bound meanwhile

    assert rows(engine) == {"pending": LOGIN}
    with Session(engine) as session:
        pending = get_credential(session=session, credential_id=second)
        assert pending is not None
        assert open_credential(vault=VAULT, credential=pending)[1] == "second-try"


def test_one_current_account_per_worker_and_system(engine: Engine) -> None:
    bind(engine, verified=True)
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        twin = Credential(
            id="f" * 32,
            community_code=COMMUNITY,
            owner_username="worker-a",
            connector_id=CIVIL,
            login_sealed="x",
            secret_sealed="x",
            dek_wrapped="x",
            kek_id="v1",
            state="verified",
        )
        session.add(twin)


def test_a_sealed_secret_moved_to_another_workers_row_does_not_open(engine: Engine) -> None:
    hers, theirs = bind(engine, verified=True), bind(engine, owner="worker-b", verified=True)
    with session_scope(engine) as session:
        a, b = session.get(Credential, hers), session.get(Credential, theirs)
        assert a is not None and b is not None
        b.secret_sealed, b.dek_wrapped, b.kek_id = a.secret_sealed, a.dek_wrapped, a.kek_id
        session.add(b)
    with Session(engine) as session:
        moved = session.get(Credential, theirs)
        assert moved is not None
        with pytest.raises(VaultError):
            open_credential(vault=VAULT, credential=moved)


def test_uses_are_recorded_and_a_refusal_sets_the_account_aside(
    engine: Engine, cipher: FieldCipher
) -> None:
    credential_id = bind(engine, verified=True)
    with session_scope(engine) as session:
        submission = add_submission(session, cipher, add_resident(session, cipher))
        credential = session.get(Credential, credential_id)
        assert credential is not None
        first = record_use(
            session=session, credential=credential, activity="deliver", submission_id=submission.id
        )
        second = record_use(
            session=session, credential=credential, activity="check_decision", submission_id=None
        )
    with session_scope(engine) as session:
        refuse_use(session=session, use_id=second)

    with Session(engine) as session:
        uses = {u.id: u for u in session.exec(select(CredentialUse))}
        assert (uses[first].outcome, uses[first].submission_id) == ("ok", submission.id)
        assert (uses[second].outcome, uses[second].activity) == ("rejected", "check_decision")
        credential = session.get(Credential, credential_id)
        assert credential is not None and credential.state == "rejected"
        assert credential.last_used_at is not None


def test_an_unknown_use_is_refused(engine: Engine) -> None:
    credential_id = bind(engine, verified=True)
    with session_scope(engine) as session:
        credential = session.get(Credential, credential_id)
        assert credential is not None
        with pytest.raises(ValueError):
            record_use(
                session=session, credential=credential, activity="export", submission_id=None
            )


def test_unbinding_removes_her_accounts_and_keeps_their_uses(engine: Engine) -> None:
    credential_id = bind(engine, verified=True)
    bind(engine, password="pending")
    with session_scope(engine) as session:
        credential = session.get(Credential, credential_id)
        assert credential is not None
        record_use(session=session, credential=credential, activity="verify", submission_id=None)
        assert len(unbind(session=session, owner="worker-a", connector_id=CIVIL)) == 2

    assert rows(engine) == {}
    with Session(engine) as session:
        [view] = accounts_of(session=session, vault=VAULT, owner="worker-a", connector_ids=[CIVIL])
    assert (view.state, view.login_name) == ("unbound", None)
    assert [u.activity for u in view.uses] == ["verify"]


def test_her_accounts_show_login_names_and_uses_never_a_password_or_another_workers(
    engine: Engine,
) -> None:
    bind(engine, verified=True)
    bind(engine, login="wanghong-new", password="pending-pass")
    bind(engine, owner="worker-b", login="ruixing-lifang", verified=True)

    with Session(engine) as session:
        [mine] = accounts_of(session=session, vault=VAULT, owner="worker-a", connector_ids=[CIVIL])

    assert (mine.state, mine.login_name, mine.pending_login_name) == (
        "verified",
        LOGIN,
        "wanghong-new",
    )
    shown = mine.model_dump_json()
    for secret in (PASSWORD, "pending-pass", "ruixing-lifang"):
        assert secret not in shown


def test_nothing_of_a_credential_reaches_the_change_history(engine: Engine) -> None:
    credential_id = bind(engine)
    settle(engine, credential_id, verified=True)

    with Session(engine) as session:
        entities = set(session.exec(select(ChangeRecord.entity)))
    assert not entities & {"credential", "credentialuse"}


def test_the_audit_log_says_how_each_test_login_ended_naming_no_login_or_password(
    engine: Engine,
) -> None:
    kept, dropped = bind(engine), bind(engine, owner="worker-b", password="typo")
    settle(engine, kept, verified=True)
    settle(engine, dropped, verified=False)
    assert settle(engine, dropped, verified=True) == "gone"  # nothing left to settle or log

    with Session(engine) as session:
        entries = session.exec(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert [(e.action, e.actor, e.subject) for e in entries] == [
        ("credential_bind", "robot:civil_affairs", f"credential:{kept}"),
        ("credential_bind", "robot:civil_affairs", f"credential:{dropped}"),
    ]
    details = [json.loads(e.detail) for e in entries]
    assert [(d["connector"], d["state"]) for d in details] == [
        ("civil_affairs", "verified"),
        ("civil_affairs", "discarded"),
    ]
    for entry in entries:
        assert LOGIN not in entry.detail and PASSWORD not in entry.detail


def test_login_names_and_passwords_are_not_stored_in_clear(
    engine: Engine, raw_store: RawStore
) -> None:
    bind(engine, verified=True)
    bind(engine, owner="worker-b", login="ruixing-lifang", password="Lifang-2026!")

    everything = raw_store.bytes()
    values = " ".join(str(v) for v in raw_store.values())
    for secret in (LOGIN, PASSWORD, "ruixing-lifang", "Lifang-2026!"):
        assert secret.encode() not in everything
        assert secret not in values


def test_a_bound_password_shows_only_as_asterisks() -> None:
    data = typed()
    assert PASSWORD not in repr(data) and PASSWORD not in data.model_dump_json()


@pytest.mark.parametrize(
    ("login", "password"), [("", "x"), ("  ", "x"), ("a\x00b", "x"), ("ok", ""), ("x" * 101, "y")]
)
def test_empty_or_odd_input_is_refused(login: str, password: str) -> None:
    with pytest.raises(ValueError):
        typed(login, password)


def test_repeated_uses_are_shown_once_with_how_often_so_the_delivery_stays_in_view(
    engine: Engine, cipher: FieldCipher
) -> None:
    credential_id = bind(engine, verified=True)
    with session_scope(engine) as session:
        submission = add_submission(session, cipher, add_resident(session, cipher))
        credential = session.get(Credential, credential_id)
        assert credential is not None
        for activity in ["deliver"] + ["check_decision"] * 30:  # polls for weeks
            record_use(
                session=session,
                credential=credential,
                activity=activity,
                submission_id=submission.id,
            )

    with Session(engine) as session:
        [view] = accounts_of(session=session, vault=VAULT, owner="worker-a", connector_ids=[CIVIL])

    assert [(u.activity, u.times, u.submission_id) for u in view.uses] == [
        ("check_decision", 30, submission.id),
        ("deliver", 1, submission.id),
    ]
    assert view.uses[0].first_used_at <= view.uses[0].used_at
    assert len(view.uses[0].used_at) == len("2026-11-28 12:00")
