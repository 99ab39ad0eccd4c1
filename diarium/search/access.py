"""Which variant of a record a reader matches: decided here, and only here.

Every record is projected into the audience tiers where it is visible, with the
text that tier may read (projection.py). A reader's grants (accounts.access)
give two sets of places: S, the organisations and organs where they hold
READ_SECRET, and I, those where they hold READ_INTERNAL (S lies inside I). A
variant is eligible for the reader iff

- its tiers include "secret"   and the record lies in S, or
- its tiers include "internal" and the record lies in I but not in S, or
- its tiers include "public"   and the record does not lie in I.

A superuser reads every record's secret tier, an anonymous visitor only public
ones. Since a record's variants split its tiers between them, a reader matches
at most one variant of each record. The engines put this condition into the
query itself, so totals, facet counts and snippets obey it.
"""

from __future__ import annotations

from dataclasses import dataclass

from diarium.accounts import access as roles



@dataclass(frozen=True)
class Audience:
    superuser: bool = False
    secret_organisations: frozenset[int] = frozenset()
    secret_organs: frozenset[int] = frozenset()
    internal_organisations: frozenset[int] = frozenset()
    internal_organs: frozenset[int] = frozenset()

    @property
    def anonymous(self) -> bool:
        return not (self.superuser or self.internal_organisations or self.internal_organs)

    def in_secret(self, organisation_id: int, organ_id: int | None) -> bool:
        return organisation_id in self.secret_organisations or (
            organ_id is not None and organ_id in self.secret_organs)

    def in_internal(self, organisation_id: int, organ_id: int | None) -> bool:
        return organisation_id in self.internal_organisations or (
            organ_id is not None and organ_id in self.internal_organs)


PUBLIC = Audience()


def audience_for(user) -> Audience:
    grants = roles.grants_for(user)
    if grants.superuser:
        return Audience(superuser=True)
    secret_orgs, secret_organs = grants.organ_ids_with(roles.READ_SECRET)
    internal_orgs, internal_organs = grants.organ_ids_with(roles.READ_INTERNAL)
    return Audience(
        secret_organisations=frozenset(secret_orgs), secret_organs=frozenset(secret_organs),
        # READ_SECRET lies inside READ_INTERNAL by the role table; the union keeps S ⊆ I regardless.
        internal_organisations=frozenset(internal_orgs | secret_orgs),
        internal_organs=frozenset(internal_organs | secret_organs),
    )
