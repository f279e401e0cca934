"""localaws: the r53hook project's local AWS.

moto runs in-process behind one loopback endpoint; this package corrects the moto
behaviour that r53hook depends on (Route 53 change batches, SigV4 checks, IAM policy
enforcement for Route 53) and adds what moto lacks (strict IMDSv2 per instance, fault
injection, request statistics).  See README.md.
"""

__version__ = "0.1.0"
