"""The one Logger of the domain. Messages are fixed lowercase phrases; data goes in keys."""

from aws_lambda_powertools import Logger

logger = Logger(service="snaplist")
