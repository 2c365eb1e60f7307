"""The employment centre (İstihdam Merkezi, goal 4.3.1). For now only what it stores about
a citizen (a CV, referrals, the firms they registered), so /verilerim exports it,
/verilerimi_sil erases it and the retention job expires idle CVs; the conversations for
job seekers, employers and the centre's staff come next (issue 17), on core/employment/."""

from __future__ import annotations

from core.employment import personal_data as employment_personal_data
from handlers.feature import Feature

FEATURE = Feature(
    name="employment",
    personal_data=(employment_personal_data.PERSONAL_DATA,),
)
