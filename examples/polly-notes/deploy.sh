#!/usr/bin/env bash
# deploy.sh builds the Polly Notes application with the AWS CLI, the same
# commands the course has you type: a DynamoDB table with seed notes, two S3
# buckets (MP3s, web site), an IAM role per function, five Lambda functions,
# the PollyNotesAPI REST API deployed to its Prod stage, and the web front end.
#
# It is safe to run again: every step checks before it creates, and a re-run
# updates the functions' code, the web files and redeploys the API.
#
# Environment:
#   ENDPOINT        nimbus's endpoint (default http://localhost:4566); set it
#                   to the empty string to deploy to real AWS
#   AWS_DEFAULT_REGION  region (default us-east-1)
#   TABLE_NAME      DynamoDB table (default Notes)
#   MP3_BUCKET      bucket for the dictated MP3s (default pollynotes-mp3-ACCOUNT)
#   WEB_BUCKET      bucket for the web front end (default pollynotes-web-ACCOUNT)
#   RUNTIME         Lambda runtime (default python3.12)
set -euo pipefail
cd "$(dirname "$0")"

ENDPOINT=${ENDPOINT-http://localhost:4566}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-${AWS_REGION:-us-east-1}}
export AWS_PAGER=""
REGION=$AWS_DEFAULT_REGION
TABLE_NAME=${TABLE_NAME:-Notes}
RUNTIME=${RUNTIME:-python3.12}
API_NAME=PollyNotesAPI
STAGE=Prod
FUNCTIONS=(list createUpdate search delete dictate)

# nimbus accepts any credentials; give the CLI some when none are configured.
if [ -n "$ENDPOINT" ] && [ -z "${AWS_ACCESS_KEY_ID:-}" ] && [ -z "${AWS_PROFILE:-}" ] &&
	! command aws configure get aws_access_key_id >/dev/null 2>&1; then
	export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
fi

# Every command below is what a student types, plus --endpoint-url.
aws() {
	if [ -n "$ENDPOINT" ]; then
		command aws --endpoint-url "$ENDPOINT" "$@"
	else
		command aws "$@"
	fi
}
step() { printf '==> %s\n' "$*"; }

BUILD=$(mktemp -d)
trap 'rm -rf "$BUILD"' EXIT

# The account the ARNs name. Without STS (an older nimbus), nimbus's default.
ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text 2>/dev/null) || ACCOUNT_ID=000000000000
MP3_BUCKET=${MP3_BUCKET:-pollynotes-mp3-$ACCOUNT_ID}
WEB_BUCKET=${WEB_BUCKET:-pollynotes-web-$ACCOUNT_ID}

# --- DynamoDB -----------------------------------------------------------------
if aws dynamodb describe-table --table-name "$TABLE_NAME" >/dev/null 2>&1; then
	step "table $TABLE_NAME exists"
else
	step "creating table $TABLE_NAME and its seed notes"
	sed "s/\"Notes\"/\"$TABLE_NAME\"/" dynamodb/notes-table.json >"$BUILD/notes-table.json"
	sed "s/^  \"Notes\"/  \"$TABLE_NAME\"/" dynamodb/notes-seed.json >"$BUILD/notes-seed.json"
	aws dynamodb create-table --cli-input-json "file://$BUILD/notes-table.json" >/dev/null
	aws dynamodb wait table-exists --table-name "$TABLE_NAME"
	aws dynamodb batch-write-item --request-items "file://$BUILD/notes-seed.json" >/dev/null
fi

# --- S3 -----------------------------------------------------------------------
for bucket in "$MP3_BUCKET" "$WEB_BUCKET"; do
	if aws s3api head-bucket --bucket "$bucket" >/dev/null 2>&1; then
		step "bucket $bucket exists"
	else
		step "creating bucket $bucket"
		aws s3 mb "s3://$bucket" >/dev/null
	fi
done

# --- IAM: one role per function, allowed exactly what the function does --------
# An older nimbus has no IAM: Lambda accepts any role ARN there, so the roles
# are only named.
iam=yes
if ! out=$(aws iam list-roles --max-items 1 2>&1); then
	case $out in
	*UnknownService* | *"Unable to parse response"*) iam=no ;;
	*) printf '%s\n' "$out" >&2; exit 1 ;;
	esac
fi
subst() { # policy template → policy for this deployment
	sed -e "s/\${REGION}/$REGION/g" -e "s/\${ACCOUNT_ID}/$ACCOUNT_ID/g" \
		-e "s/\${TABLE_NAME}/$TABLE_NAME/g" -e "s/\${MP3_BUCKET_NAME}/$MP3_BUCKET/g" "$1"
}
declare -A ROLE_ARN
for fn in "${FUNCTIONS[@]}"; do
	role=PollyNotes-${fn}-role
	ROLE_ARN[$fn]=arn:aws:iam::$ACCOUNT_ID:role/$role
	[ $iam = yes ] || continue
	if ! aws iam get-role --role-name "$role" >/dev/null 2>&1; then
		step "creating role $role"
		aws iam create-role --role-name "$role" \
			--assume-role-policy-document file://iam/lambda-trust-policy.json >/dev/null
	fi
	subst "iam/$fn-policy.json" >"$BUILD/$fn-policy.json"
	aws iam put-role-policy --role-name "$role" --policy-name "PollyNotes-$fn" \
		--policy-document "file://$BUILD/$fn-policy.json"
	ROLE_ARN[$fn]=$(aws iam get-role --role-name "$role" --query Role.Arn --output text)
done
[ $iam = yes ] || step "this endpoint has no IAM: the functions name roles that are not created"

# --- Lambda -------------------------------------------------------------------
declare -A FN_ARN
for fn in "${FUNCTIONS[@]}"; do
	(cd "functions/$fn" && zip -q -X "$BUILD/$fn.zip" app.py)
	if aws lambda get-function --function-name "$fn" >/dev/null 2>&1; then
		step "updating the code of function $fn"
		aws lambda update-function-code --function-name "$fn" --zip-file "fileb://$BUILD/$fn.zip" >/dev/null
		aws lambda wait function-updated-v2 --function-name "$fn"
	else
		step "creating function $fn"
		aws lambda create-function --function-name "$fn" --runtime "$RUNTIME" \
			--handler app.lambda_handler --zip-file "fileb://$BUILD/$fn.zip" \
			--role "${ROLE_ARN[$fn]}" --timeout 30 \
			--environment "Variables={TABLE_NAME=$TABLE_NAME,MP3_BUCKET_NAME=$MP3_BUCKET}" >/dev/null
		aws lambda wait function-active-v2 --function-name "$fn"
	fi
	FN_ARN[$fn]=$(aws lambda get-function --function-name "$fn" --query Configuration.FunctionArn --output text)
done

# --- API Gateway: PollyNotesAPI ---------------------------------------------------
API_ID=$(aws apigateway get-rest-apis --query "items[?name=='$API_NAME'].id" --output text)
if [ -z "$API_ID" ]; then
	step "creating REST API $API_NAME"
	API_ID=$(aws apigateway create-rest-api --name "$API_NAME" \
		--endpoint-configuration types=REGIONAL --query id --output text)
else
	step "REST API $API_NAME exists: $API_ID"
fi

# resource PATH PARENT_PATH PATH_PART: the id of the resource, created if missing
resource() {
	local id parent
	id=$(aws apigateway get-resources --rest-api-id "$API_ID" --query "items[?path=='$1'].id" --output text)
	if [ -z "$id" ]; then
		parent=$(aws apigateway get-resources --rest-api-id "$API_ID" --query "items[?path=='$2'].id" --output text)
		id=$(aws apigateway create-resource --rest-api-id "$API_ID" --parent-id "$parent" \
			--path-part "$3" --query id --output text)
	fi
	echo "$id"
}
NOTES=$(resource /notes / notes)
SEARCH=$(resource /notes/search /notes search)
NOTE=$(resource "/notes/{id}" /notes "{id}")

MODEL=$(aws apigateway get-models --rest-api-id "$API_ID" --query "items[?name=='NoteModel'].name" --output text)
if [ -z "$MODEL" ]; then
	step "creating model NoteModel"
	aws apigateway create-model --rest-api-id "$API_ID" --name NoteModel \
		--content-type application/json --schema file://api/note-model.json >/dev/null
fi
VALIDATOR=$(aws apigateway get-request-validators --rest-api-id "$API_ID" --query "items[?name=='Validate body'].id" --output text)
if [ -z "$VALIDATOR" ]; then
	step "creating request validator \"Validate body\""
	VALIDATOR=$(aws apigateway create-request-validator --rest-api-id "$API_ID" --name "Validate body" \
		--validate-request-body --no-validate-request-parameters --query id --output text)
fi

ALLOW_ORIGIN='{"method.response.header.Access-Control-Allow-Origin": "'"'*'"'"}'
ALLOW_ORIGIN_DECLARED='{"method.response.header.Access-Control-Allow-Origin": false}'

# lambda_method RESOURCE_ID VERB FUNCTION [put-method options...]: a Lambda
# non-proxy (AWS) integration. REQUEST_TEMPLATES and RESPONSE_TEMPLATES name
# files of mapping templates, or are empty.
lambda_method() {
	local rid=$1 verb=$2 fn=$3
	shift 3
	if ! aws apigateway get-method --rest-api-id "$API_ID" --resource-id "$rid" --http-method "$verb" >/dev/null 2>&1; then
		aws apigateway put-method --rest-api-id "$API_ID" --resource-id "$rid" --http-method "$verb" \
			--authorization-type NONE "$@" >/dev/null
	fi
	local req=() resp=()
	[ -z "$REQUEST_TEMPLATES" ] || req=(--request-templates "file://$REQUEST_TEMPLATES")
	[ -z "$RESPONSE_TEMPLATES" ] || resp=(--response-templates "file://$RESPONSE_TEMPLATES")
	aws apigateway put-integration --rest-api-id "$API_ID" --resource-id "$rid" --http-method "$verb" \
		--type AWS --integration-http-method POST \
		--uri "arn:aws:apigateway:$REGION:lambda:path/2015-03-31/functions/${FN_ARN[$fn]}/invocations" \
		"${req[@]}" >/dev/null
	aws apigateway put-method-response --rest-api-id "$API_ID" --resource-id "$rid" --http-method "$verb" \
		--status-code 200 --response-models application/json=Empty \
		--response-parameters "$ALLOW_ORIGIN_DECLARED" >/dev/null
	aws apigateway put-integration-response --rest-api-id "$API_ID" --resource-id "$rid" --http-method "$verb" \
		--status-code 200 --response-parameters "$ALLOW_ORIGIN" "${resp[@]}" >/dev/null
	# API Gateway may call the function, and only from this API.
	local sid=apigateway-$API_ID-$verb-${rid}
	if ! aws lambda get-policy --function-name "$fn" --query Policy --output text 2>/dev/null | grep -q "\"$sid\""; then
		aws lambda add-permission --function-name "$fn" --statement-id "$sid" \
			--action lambda:InvokeFunction --principal apigateway.amazonaws.com \
			--source-arn "arn:aws:execute-api:$REGION:$ACCOUNT_ID:$API_ID/*/$verb/*" >/dev/null
	fi
}

# enable_cors RESOURCE_ID METHODS: what the console's "Enable CORS" creates, an
# OPTIONS method whose MOCK integration answers the browser's preflight.
enable_cors() {
	local rid=$1 methods=$2
	if ! aws apigateway get-method --rest-api-id "$API_ID" --resource-id "$rid" --http-method OPTIONS >/dev/null 2>&1; then
		aws apigateway put-method --rest-api-id "$API_ID" --resource-id "$rid" --http-method OPTIONS \
			--authorization-type NONE >/dev/null
	fi
	aws apigateway put-integration --rest-api-id "$API_ID" --resource-id "$rid" --http-method OPTIONS \
		--type MOCK --request-templates '{"application/json": "{\"statusCode\": 200}"}' >/dev/null
	aws apigateway put-method-response --rest-api-id "$API_ID" --resource-id "$rid" --http-method OPTIONS \
		--status-code 200 --response-models application/json=Empty --response-parameters \
		'{"method.response.header.Access-Control-Allow-Headers": false, "method.response.header.Access-Control-Allow-Methods": false, "method.response.header.Access-Control-Allow-Origin": false}' >/dev/null
	aws apigateway put-integration-response --rest-api-id "$API_ID" --resource-id "$rid" --http-method OPTIONS \
		--status-code 200 --response-templates '{"application/json": ""}' --response-parameters \
		'{"method.response.header.Access-Control-Allow-Headers": "'"'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token'"'", "method.response.header.Access-Control-Allow-Methods": "'"'$methods'"'", "method.response.header.Access-Control-Allow-Origin": "'"'*'"'"}' >/dev/null
}

step "methods of /notes, /notes/search and /notes/{id}"
REQUEST_TEMPLATES=api/list-request-templates.json RESPONSE_TEMPLATES=api/notes-response-templates.json \
	lambda_method "$NOTES" GET list
REQUEST_TEMPLATES='' RESPONSE_TEMPLATES='' \
	lambda_method "$NOTES" POST createUpdate \
	--request-models application/json=NoteModel --request-validator-id "$VALIDATOR"
REQUEST_TEMPLATES=api/search-request-templates.json RESPONSE_TEMPLATES=api/notes-response-templates.json \
	lambda_method "$SEARCH" GET search
REQUEST_TEMPLATES=api/delete-request-templates.json RESPONSE_TEMPLATES='' \
	lambda_method "$NOTE" DELETE delete
REQUEST_TEMPLATES=api/dictate-request-templates.json RESPONSE_TEMPLATES='' \
	lambda_method "$NOTE" POST dictate

step "enabling CORS"
enable_cors "$NOTES" GET,POST,OPTIONS
enable_cors "$SEARCH" GET,OPTIONS
enable_cors "$NOTE" DELETE,POST,OPTIONS
# Errors API Gateway answers itself (such as "Invalid request body") carry
# the CORS headers too, so the browser lets the page read them.
for type in DEFAULT_4XX DEFAULT_5XX; do
	aws apigateway put-gateway-response --rest-api-id "$API_ID" --response-type "$type" --response-parameters \
		'{"gatewayresponse.header.Access-Control-Allow-Origin": "'"'*'"'", "gatewayresponse.header.Access-Control-Allow-Headers": "'"'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token'"'", "gatewayresponse.header.Access-Control-Allow-Methods": "'"'DELETE,GET,OPTIONS,POST'"'"}' >/dev/null
done

step "deploying $API_NAME to stage $STAGE"
aws apigateway create-deployment --rest-api-id "$API_ID" --stage-name "$STAGE" >/dev/null

if [ -n "$ENDPOINT" ]; then
	INVOKE_URL=${ENDPOINT%/}/restapis/$API_ID/$STAGE/_user_request_
	WEB_URL=${ENDPOINT%/}/$WEB_BUCKET/index.html
else
	INVOKE_URL=https://$API_ID.execute-api.$REGION.amazonaws.com/$STAGE
	WEB_URL=https://$WEB_BUCKET.s3.$REGION.amazonaws.com/index.html
fi

# --- The web front end ------------------------------------------------------------
step "uploading the web front end to s3://$WEB_BUCKET"
printf '// Written by deploy.sh: where the web page finds PollyNotesAPI.\nwindow.POLLY_NOTES_API = "%s";\n' "$INVOKE_URL" >"$BUILD/config.js"
aws s3 cp web/ "s3://$WEB_BUCKET/" --recursive --quiet
aws s3 cp "$BUILD/config.js" "s3://$WEB_BUCKET/config.js" --content-type application/javascript --quiet
# Anyone may read the web site (and nothing else in that bucket's account).
aws s3api put-bucket-policy --bucket "$WEB_BUCKET" --policy "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"PublicRead\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::$WEB_BUCKET/*\"}]}"

cat <<EOF

Polly Notes is deployed.
  API invoke URL: $INVOKE_URL
  Web front end:  $WEB_URL
  Table:          $TABLE_NAME    MP3 bucket: $MP3_BUCKET
EOF
