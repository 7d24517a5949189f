"""The AWS side of snaplist: settings, one module per AWS resource, and the step logic.

Handlers in functions/ parse their event into a model from `models` and call one function of
`steps`. Only the resource modules (listings, makers, uploads, executions, secrets) touch boto3.
"""
