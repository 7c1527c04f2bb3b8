"""Survey definitions as JSON (staff token): export one survey, import one as a new survey.

The body is the versioned file `manage.py survey_export` prints; its JSON Schema is published at
/api/v1/schemas/survey-definition.v1.json. A refused import is a 400 whose error.fields name
each problem's path (`questions[2].options[0].key`), and nothing is saved.
"""

from django.http import HttpResponse
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.permissions import HasPerm
from surveys.api.definition_examples import SURVEY_DEFINITION_EXAMPLES
from surveys.definition_checks import SCHEMA_FILE, DefinitionRefused
from surveys.definition_selectors import survey_definition
from surveys.definitions import definition_to_dict
from surveys.models import Survey
from surveys.services.definitions import survey_import

SCHEMA_NOTE = "The JSON Schema of the body: /api/v1/schemas/survey-definition.v1.json."


class SurveyDefinitionApi(APIView):
    """Export a survey's definition: texts in the three languages, questions and contact rules; no secrets."""

    permission_classes = (HasPerm("surveys.view_survey"),)

    @extend_schema(
        description=SCHEMA_NOTE,
        responses={
            200: OpenApiResponse(response=OpenApiTypes.OBJECT, description="The definition file's content."),
            404: OpenApiResponse(description="No survey has this id."),
        },
    )
    def get(self, request, pk: int):
        try:
            definition = survey_definition(survey_id=pk)
        except Survey.DoesNotExist:
            raise NotFound("No survey has this id.") from None
        return Response(definition_to_dict(definition))


@extend_schema_serializer(component_name="ImportedSurvey")
class ImportedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    public_key = serializers.CharField(help_text="New in this installation; the identity secret is new too.")
    touchpoints_made = serializers.ListField(
        child=serializers.CharField(), help_text="Keys of the touchpoints this installation did not have."
    )


class SurveyDefinitionImportApi(APIView):
    """Create a survey from a definition file; refused, error.fields names each problem's path and nothing is saved."""

    permission_classes = (HasPerm("surveys.add_survey"),)

    @extend_schema(
        description=SCHEMA_NOTE,
        request=OpenApiTypes.OBJECT,
        examples=SURVEY_DEFINITION_EXAMPLES,
        responses={
            201: ImportedSerializer,
            400: OpenApiResponse(
                description="The file does not fit (or its version is newer, or the name is taken); "
                "error.fields maps each path to its problems."
            ),
        },
    )
    def post(self, request):
        try:
            imported = survey_import(data=request.data)
        except DefinitionRefused as refused:
            raise ValidationError(refused.as_fields()) from None
        return Response(ImportedSerializer(imported).data, status=status.HTTP_201_CREATED)


@require_GET
def definition_schema(request):
    """The published JSON Schema of the definition file, as it is in the repository (anyone may read it)."""
    response = HttpResponse(SCHEMA_FILE.read_bytes(), content_type="application/schema+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response
