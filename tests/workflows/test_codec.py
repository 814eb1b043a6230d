"""Temporal payload encryption (workflows/codec.py): the codec on its own, and a real workflow on
the session's Temporal server whose stored history holds ciphertext only."""

from __future__ import annotations

import asyncio
import base64
import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from temporalio import activity
from temporalio.api.common.v1 import Payload
from temporalio.api.failure.v1 import Failure
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from tests._temporal_history import (
    client_codec,
    decoded_history_text,
    history_text,
    payload_encodings,
)
from tests.factories import valid_id_number
from workflows.codec import CodecError, EncryptionCodec, data_converter
from workflows.credential_check import CredentialCheckWorkflow
from workflows.models import (
    CredentialCheckInput,
    CredentialCheckOutput,
    SettleCredentialInput,
    VerifyCredentialsInput,
    VerifyCredentialsOutput,
)
from workflows.queues import ORCHESTRATION, connector_queue

K1 = base64.b64encode(b"1" * 32).decode()
K2 = base64.b64encode(b"2" * 32).decode()
NAME, PHONE = "𠮷祥英", "13912345678"
ID_NUMBER = valid_id_number("19420315", "2", seq=21)
SECRETS = (NAME, ID_NUMBER, PHONE)


def _json(text: str) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=text.encode())


async def test_a_payload_comes_back_whole_and_nothing_of_it_shows_encrypted():
    codec = EncryptionCodec(keys={"k1": K1}, current="k1")
    original = _json(f'{{"name": "{NAME}", "id_number": "{ID_NUMBER}"}}')

    [sealed] = await codec.encode([original])

    assert dict(sealed.metadata) == {"encoding": b"binary/encrypted", "encryption-key-id": b"k1"}
    for clear in (NAME.encode(), ID_NUMBER.encode(), b"json/plain"):
        assert clear not in sealed.data
    assert await codec.decode([sealed]) == [original]
    [again] = await codec.encode([original])
    assert again.data != sealed.data  # a fresh nonce each time


def test_nonces_never_repeat_across_batches_nor_in_a_forked_child():
    codec = EncryptionCodec(keys={"k1": K1}, current="k1")
    payload = _json("{}")
    sealed = asyncio.run(codec.encode([payload] * 2000))  # several of the batches nonces come in
    assert len({p.data[:12] for p in sealed}) == 2000

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: one payload, its nonce to the parent
        try:
            os.write(write, codec._nonces.take())
        finally:
            os._exit(0)
    os.close(write)
    child_nonce = os.read(read, 12)
    os.close(read)
    os.waitpid(pid, 0)
    assert len(child_nonce) == 12
    assert child_nonce != codec._nonces.take()  # not the parent's next one from the same pool


async def test_after_rotation_old_payloads_still_decode_and_new_ones_use_the_new_key():
    before = EncryptionCodec(keys={"k1": K1}, current="k1")
    after = EncryptionCodec(keys={"k1": K1, "k2": K2}, current="k2")
    original = _json(f'"{PHONE}"')
    [old] = await before.encode([original])

    [new] = await after.encode([original])

    assert await after.decode([old, new]) == [original, original]
    assert (old.metadata["encryption-key-id"], new.metadata["encryption-key-id"]) == (b"k1", b"k2")
    with pytest.raises(CodecError, match="'k2'"):
        await before.decode([new])


async def test_payloads_from_before_the_codec_pass_through_unchanged():
    codec = EncryptionCodec(keys={"k1": K1}, current="k1")
    plain = [_json('{"submission_id": "abc"}'), Payload(metadata={"encoding": b"binary/null"})]

    assert await codec.decode(plain) == plain


async def test_an_altered_payload_does_not_decrypt():
    codec = EncryptionCodec(keys={"k1": K1, "k2": K2}, current="k1")
    [sealed] = await codec.encode([_json(f'"{ID_NUMBER}"')])
    flipped = bytearray(sealed.data)
    flipped[-1] ^= 1
    relabelled = Payload(metadata={**sealed.metadata, "encryption-key-id": b"k2"}, data=sealed.data)

    for altered in (Payload(metadata=sealed.metadata, data=bytes(flipped)), relabelled):
        with pytest.raises(CodecError, match="does not decrypt"):
            await codec.decode([altered])


async def test_an_unknown_key_id_is_named_and_the_data_is_not():
    writer = EncryptionCodec(keys={"old": K1}, current="old")
    reader = EncryptionCodec(keys={"k2": K2}, current="k2")
    [sealed] = await writer.encode([_json(f'"{ID_NUMBER}"')])

    with pytest.raises(CodecError) as refused:
        await reader.decode([sealed])

    assert "'old'" in str(refused.value) and ID_NUMBER not in str(refused.value)


@pytest.mark.parametrize(
    ("keys", "current", "says"),
    [
        ({"k1": K1}, "k2", "current payload key 'k2'"),
        ({"k1": base64.b64encode(b"short").decode()}, "k1", "32 bytes, not 5"),
        ({"k1": "not base64!"}, "k1", "not base64"),
        ({"": K1}, "", "must not be empty"),
    ],
)
def test_bad_keys_are_refused_at_start(keys: dict[str, str], current: str, says: str):
    with pytest.raises(CodecError, match=says):
        EncryptionCodec(keys=keys, current=current)


async def test_failure_messages_and_stack_traces_are_encrypted_too():
    converter = data_converter({"k1": K1}, "k1")
    failure = Failure()
    try:
        raise ApplicationError(f"{NAME}的身份证号 {ID_NUMBER} 有误", type="BusinessRejection")
    except ApplicationError as err:
        await converter.encode_failure(err, failure)

    assert failure.message == "Encoded failure" and failure.stack_trace == ""
    assert failure.application_failure_info.type == "BusinessRejection"  # retries still see it
    assert failure.encoded_attributes.metadata["encoding"] == b"binary/encrypted"
    assert NAME.encode() not in failure.SerializeToString()
    restored = await converter.decode_failure(failure)
    assert isinstance(restored, ApplicationError)
    assert restored.message == f"{NAME}的身份证号 {ID_NUMBER} 有误"


class RefusingTarget:
    """The target refuses her login and, as some do, quotes the person back in its message."""

    @activity.defn(name="verify_credentials")
    async def verify(self, data: VerifyCredentialsInput) -> VerifyCredentialsOutput:
        raise ApplicationError(
            f"账号 {NAME}（{ID_NUMBER}，{PHONE}）密码错误",
            type="CredentialsRejected",
            non_retryable=True,
        )

    @activity.defn(name="settle_credential_check")
    def settle(self, data: SettleCredentialInput) -> None:
        assert not data.verified


async def test_the_stored_history_holds_ciphertext_only_and_decodes_with_the_keys(
    temporal_env: WorkflowEnvironment,
):
    target, queue = RefusingTarget(), connector_queue("codec_sys")
    with ThreadPoolExecutor(2) as pool:
        async with (
            Worker(temporal_env.client, task_queue=queue, activities=[target.verify]),
            Worker(
                temporal_env.client,
                task_queue=ORCHESTRATION,
                workflows=[CredentialCheckWorkflow],
                activities=[target.settle],
                activity_executor=pool,
            ),
        ):
            handle = await temporal_env.client.start_workflow(
                CredentialCheckWorkflow.run,
                CredentialCheckInput(
                    credential_id=uuid.uuid4().hex,
                    connector_id="codec_sys",
                    start_to_close_timeout_s=10,
                    heartbeat_timeout_s=10,
                ),
                id=f"credential-check-{uuid.uuid4().hex}",
                task_queue=ORCHESTRATION,
                result_type=CredentialCheckOutput,
            )
            result = await handle.result()
    # The workflow read the refusal in clear: the worker's converter decrypted it.
    assert result.message == f"账号 {NAME}（{ID_NUMBER}，{PHONE}）密码错误"

    history = await handle.fetch_history()  # as the server keeps it: nothing is decoded here
    encodings = payload_encodings(history)
    assert len(encodings) >= 4 and set(encodings) == {"binary/encrypted"}, encodings
    raw = history_text(history)
    assert "Encoded failure" in raw
    for secret in SECRETS:
        assert secret not in raw
    decoded = await decoded_history_text(history, client_codec(temporal_env.client))
    assert '"connector_id": "codec_sys"' in decoded  # the control: decoded, the ids show
    for secret in SECRETS:
        assert secret in decoded
