"""The makers table: one item per maker, keyed by the normalised name.

Creation is a conditional put, so two listings naming the same new maker at the same moment
end with one maker: the loser of the race reads back the winner's item.
"""

import hashlib
from functools import cache
from typing import Any

import boto3
from botocore.exceptions import ClientError

from snaplist.domain.taxonomy import normalise_term
from snaplist.pipeline.dynamo import from_item


def maker_key(name: str) -> str:
    return normalise_term(name)


def new_maker_id(key: str) -> str:
    # Deterministic: the same name always gets the same id, even across a lost race.
    return "mk-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


class DynamoMakerRepository:
    def __init__(self, table_name: str, resource: Any = None) -> None:
        self._table = (resource or boto3.resource("dynamodb")).Table(table_name)

    def find(self, name: str) -> dict[str, Any] | None:
        item = self._table.get_item(Key={"maker_key": maker_key(name)}).get("Item")
        return from_item(item) if item else None

    def get_or_create(self, name: str, product_type: str) -> str:
        """The maker id for this name, creating the maker on first sight."""
        key = maker_key(name)
        existing = self.find(name)
        if existing:
            return str(existing["maker_id"])

        item = {
            "maker_key": key,
            "maker_id": new_maker_id(key),
            "name": name.strip(),
            "product_type": product_type,
        }
        try:
            self._table.put_item(Item=item, ConditionExpression="attribute_not_exists(maker_key)")
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            winner = self._table.get_item(Key={"maker_key": key}, ConsistentRead=True)["Item"]
            return str(winner["maker_id"])
        return str(item["maker_id"])


@cache
def makers_table(table_name: str) -> DynamoMakerRepository:
    return DynamoMakerRepository(table_name)
