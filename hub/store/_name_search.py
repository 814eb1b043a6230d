"""Finding residents by part of their encrypted name without decrypting everyone.

Each name is cut into its one- and two-character pieces (𠮷祥英 → 𠮷, 祥, 英, 𠮷祥, 祥英); each
piece is stored as the first hex digits of its HMAC (a truncated blind index). A query is cut the
same way (one character: itself; longer: its two-character pieces) and the residents holding every
piece are candidates. Truncation makes unrelated pieces collide now and then, which leaks less
about who shares a surname; the candidates' names are decrypted to drop those false matches.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from sqlalchemy import delete, func, insert
from sqlmodel import Session, col, select

from hub.crypto import FieldCipher
from hub.store._models import ResidentNameToken

_PURPOSE = "resident.name.piece"
#: 6 hex digits: 16.7M buckets. A community of 50,000 people holds ~300,000 pieces, so a query
#: piece meets a false match about once in 50 searches; verification removes it.
TOKEN_LENGTH = 6


def normalise(text: str) -> str:
    """Full-width letters and digits folded, spaces and the name dots of 维吾尔 names dropped."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "·•‧.")


def name_tokens(cipher: FieldCipher, name: str) -> set[str]:
    chars = normalise(name)
    pieces = set(chars) | {chars[i : i + 2] for i in range(len(chars) - 1)}
    return {_token(cipher, piece) for piece in pieces}


def query_tokens(cipher: FieldCipher, query: str) -> set[str]:
    chars = normalise(query)
    if len(chars) <= 1:
        return {_token(cipher, chars)} if chars else set()
    return {_token(cipher, chars[i : i + 2]) for i in range(len(chars) - 1)}


def index_names(
    session: Session, cipher: FieldCipher, residents: Sequence[tuple[int, str, str]]
) -> None:
    """(Re)write the pieces of each (resident id, community, name). Core statements, so the
    change history (an ORM flush hook) does not record derived data."""
    if not residents:
        return
    ids = [resident_id for resident_id, _, _ in residents]
    connection = session.connection()
    connection.execute(delete(ResidentNameToken).where(col(ResidentNameToken.resident_id).in_(ids)))
    rows = [
        {"resident_id": resident_id, "community_code": community, "token": token}
        for resident_id, community, name in residents
        for token in sorted(name_tokens(cipher, name))
    ]
    connection.execute(insert(ResidentNameToken), rows)


def candidates(
    session: Session, community: str, tokens: set[str], *, after: int, limit: int
) -> list[int]:
    """Ids above `after` of residents holding every token, lowest first."""
    stmt = (
        select(ResidentNameToken.resident_id)
        .where(
            ResidentNameToken.community_code == community,
            col(ResidentNameToken.token).in_(sorted(tokens)),
            ResidentNameToken.resident_id > after,
        )
        .group_by(col(ResidentNameToken.resident_id))
        .having(func.count(func.distinct(ResidentNameToken.token)) == len(tokens))
        .order_by(col(ResidentNameToken.resident_id))
        .limit(limit)
    )
    return list(session.exec(stmt))


def _token(cipher: FieldCipher, piece: str) -> str:
    return cipher.blind_index(piece, purpose=_PURPOSE)[:TOKEN_LENGTH]
