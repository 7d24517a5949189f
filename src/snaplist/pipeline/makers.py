"""The makers table: the domain's MakerRepository backed by DynamoDB.

Items are keyed by the domain's folded maker key. Creation is a conditional put, so two
listings naming the same new maker at the same moment end with one maker: the loser of the
race reads back the winner's item.
"""

from functools import cache
from typing import Any

import boto3
from botocore.exceptions import ClientError

from snaplist.domain.makers import Maker, maker_id_for


class DynamoMakerRepository:
    def __init__(self, table_name: str, resource: Any = None) -> None:
        self._table = (resource or boto3.resource("dynamodb")).Table(table_name)

    def find(self, key: str) -> Maker | None:
        item = self._table.get_item(Key={"maker_key": key}, ConsistentRead=True).get("Item")
        return _maker(item) if item else None

    def get_or_create(self, key: str, name: str) -> Maker:
        existing = self.find(key)
        if existing:
            return existing

        maker = Maker(maker_id=maker_id_for(key), name=name, key=key)
        try:
            self._table.put_item(
                Item={"maker_key": key, "maker_id": maker.maker_id, "name": name},
                ConditionExpression="attribute_not_exists(maker_key)",
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            winner = self.find(key)
            if winner is None:  # deleted between the two calls: keep ours
                return maker
            return winner
        return maker


def _maker(item: dict[str, Any]) -> Maker:
    return Maker(maker_id=str(item["maker_id"]), name=str(item["name"]), key=str(item["maker_key"]))


@cache
def makers_table(table_name: str) -> DynamoMakerRepository:
    return DynamoMakerRepository(table_name)
