from .api import ApiKey
from .engagement import Follower, Rating
from .event import ReportEvent
from .notification import DeadlineReminder, OutboundEmail
from .photo import Photo
from .report import Report
from .stats import DailyStat, MapCell, RollupState

__all__ = [
    "ApiKey",
    "DailyStat",
    "DeadlineReminder",
    "Follower",
    "MapCell",
    "OutboundEmail",
    "Photo",
    "Rating",
    "Report",
    "ReportEvent",
    "RollupState",
]
