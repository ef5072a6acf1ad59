"""The workbench's database: collaborations and their dated assessments (see kansrijk/store/database.py)."""

from kansrijk.store.database import MAX_ID, Store, default_url, open_store
from kansrijk.store.errors import InvalidValue, NewerDatabase, NotFound, StaleEdit, StoreError
from kansrijk.store.views import AssessmentSummary, AssessmentView, CollaborationSummary, CollaborationView

__all__ = ["MAX_ID", "AssessmentSummary", "AssessmentView", "CollaborationSummary", "CollaborationView",
           "InvalidValue", "NewerDatabase", "NotFound", "StaleEdit", "Store", "StoreError", "default_url", "open_store"]
