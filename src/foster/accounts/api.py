from __future__ import annotations

from typing import Any

from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from foster.accounts.models import Agency, User
from foster.accounts.selectors import agencies_of, agency_queryset_for


class AgencySerializer(serializers.ModelSerializer[Agency]):
    class Meta:
        model = Agency
        fields = ["id", "code", "name_ko", "name_en", "kind", "website"]


class CurrentUserSerializer(serializers.ModelSerializer[User]):
    agencies = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "role", "preferred_language", "agencies"]

    def get_agencies(self, user: User) -> list[str]:
        return list(agencies_of(user).values_list("code", flat=True))


class AgencyViewSet(viewsets.ReadOnlyModelViewSet[Agency]):
    """Agencies running programs (reference data for signed-in users)."""

    serializer_class = AgencySerializer

    def get_queryset(self) -> Any:
        return agency_queryset_for(self.request.user).order_by("code")


class CurrentUserView(APIView):
    """The authenticated user."""

    serializer_class = CurrentUserSerializer

    def get(self, request: Request) -> Response:
        user = request.user
        if not isinstance(user, User):  # the default IsAuthenticated permission has already refused anonymous callers
            raise NotAuthenticated
        return Response(CurrentUserSerializer(user).data)
