"""URI templates of the accounts plugin: the Flutter app's set and the canonical set, on shared resources."""

from kernel.http import Route
from plugins.accounts import resources as r

_registration = r.Registration()
_reset_password = r.ResetPassword()
_logout = r.Logout()
_profile = r.Profile()
_change_password = r.ChangePassword()

FLUTTER = [
    Route("/api/registration", _registration),
    Route("/api/login", r.CustomerLogin()),
    Route("/api/send-otp", r.SendOtp()),
    Route("/api/verify-otp", r.VerifyOtp()),
    Route("/api/reset-password", _reset_password),
    Route("/api/change-password", _change_password),
    Route("/api/profile", _profile),
    Route("/api/update-profile", r.ProfileUpdate()),
    Route("/api/logout", _logout),
]

CANONICAL = [
    Route("/api/auth/register", _registration),
    Route("/api/auth/login", r.AccountLogin()),
    Route("/api/auth/logout", _logout),
    Route("/api/auth/forgot-password", r.ForgotPassword()),
    Route("/api/auth/reset-password", _reset_password),
    Route("/api/auth/verify-otp", r.AccountVerifyOtp()),
    Route("/api/auth/resend-otp", r.ResendOtp()),
    Route("/api/user", _profile),
    Route("/api/user/update", r.UserUpdate()),
    Route("/api/user/update-password", _change_password),
    Route("/api/user/update-avatar", r.AvatarUpdate()),
    Route("/api/user/delete", r.AccountDeletion()),
]

STAFF = [
    Route("/api/seller/login", r.SellerLogin()),
    Route("/api/seller/logout", r.SellerLogout()),
    Route("/api/rider/login", r.RiderLogin()),
    Route("/api/rider/logout", r.RiderLogout()),
]

ROUTES = FLUTTER + CANONICAL + STAFF
