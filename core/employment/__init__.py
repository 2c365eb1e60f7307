"""The employment centre (İstihdam Merkezi, goal 4.3.1 of the performance programme).

No Telegram here: job seekers' CVs, employers and their vacancies, referrals and their
state machine, candidate ranking, the goal's indicators, imports of the portal's
history, and what /verilerim and /verilerimi_sil do with it. The modules:

- `codes`: the fixed lists (education levels, availability, referral states, reasons);
- `validation`: the VKN check digit and the checks of what people type (birth year,
  positions, sizes), refusing with `core.refusals.Refused`;
- `registry`: CVs, firms and vacancies, and the staff actions on them (verify, approve);
- `referrals`: referring a seeker and every later status change, each recorded;
- `ranking`: the candidates for a vacancy, best first, with their score parts;
- `desk`: what waits for the centre's staff, a firm turned down, a vacancy sent back;
- `followups`: a referral's follow-up questions, the staff reminder, expiry;
- `alerts`: who a published vacancy is told to, once each, at once or in a daily summary;
- `indicators`: goal 4.3.1's figures for any period;
- `imports`: the portal's job seekers, employers and referrals from CSV files;
- `personal_data`: the feature's part of KVKK export and erasure.

Staff actions take the actor (a StaffMember the caller looked up) and check it here, as
core/workflow.py does: only the centre's staff (department `istihdam`), supervisors and
admins may act.
"""
