from .engagement import Follower, Rating
from .event import ReportEvent
from .notification import DeadlineReminder, OutboundEmail
from .photo import Photo
from .report import Report

__all__ = [
    "DeadlineReminder",
    "Follower",
    "OutboundEmail",
    "Photo",
    "Rating",
    "Report",
    "ReportEvent",
]
