from .api import ApiKey, ApiSubmission, RemotePhoto
from .backoffice import BackOfficeDelivery, BackOfficeEndpoint, BackOfficeUpdate
from .engagement import Follower, Rating
from .event import ReportEvent
from .notification import DeadlineReminder
from .photo import Photo
from .report import Report
from .stats import DailyStat, MapCell, RollupState
from .tally import DeadlineTally, ReportTally

__all__ = [
    "ApiKey",
    "ApiSubmission",
    "BackOfficeDelivery",
    "BackOfficeEndpoint",
    "BackOfficeUpdate",
    "DailyStat",
    "DeadlineTally",
    "DeadlineReminder",
    "Follower",
    "MapCell",
    "Photo",
    "Rating",
    "RemotePhoto",
    "Report",
    "ReportEvent",
    "ReportTally",
    "RollupState",
]
