from .api import ApiKey
from .engagement import Follower, Rating
from .event import ReportEvent
from .notification import DeadlineReminder
from .photo import Photo
from .report import Report
from .stats import DailyStat, MapCell, RollupState
from .tally import DeadlineTally, ReportTally

__all__ = [
    "ApiKey",
    "DailyStat",
    "DeadlineTally",
    "DeadlineReminder",
    "Follower",
    "MapCell",
    "Photo",
    "Rating",
    "Report",
    "ReportEvent",
    "ReportTally",
    "RollupState",
]
